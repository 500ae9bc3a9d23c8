//! The assignment problem behind a day's cover proposal, solved exactly: every open slot (one
//! missing person on one shift) gets at most one person, every person at most one slot, as many
//! slots as possible are filled, and among those assignments the total cost is the least.
//!
//! The Hungarian algorithm (Kuhn–Munkres with potentials, O(n²·m) for n slots and m people) on
//! the slots × (people + one "leave open" column per slot) matrix. Leaving a slot open costs more
//! than every real assignment together could, so the count of filled slots comes first; a pair
//! that is not allowed costs more than leaving every slot open, so it is never chosen.

/// `costs[slot][person]`: the cost of that person taking that slot, or `None` when they may
/// not. Costs must not be negative. Returns, per slot, the person who takes it.
pub fn assign(costs: &[Vec<Option<i64>>]) -> Vec<Option<usize>> {
    let n = costs.len();
    if n == 0 {
        return Vec::new();
    }
    let people = costs.iter().map(Vec::len).max().unwrap_or(0);
    let max_cost = costs
        .iter()
        .flatten()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .clamp(0, 1_000_000_000);
    let n64 = i64::try_from(n).unwrap_or(i64::MAX / 4);
    // Leaving one slot open outweighs any sum of real costs; a forbidden pair outweighs
    // leaving every slot open.
    let open = max_cost.saturating_mul(n64).saturating_add(1);
    let forbidden = open.saturating_mul(n64 + 1);
    let m = people + n;
    let cost = |i: usize, j: usize| -> i64 {
        if j < people {
            match costs[i].get(j).copied().flatten() {
                Some(c) => c.clamp(0, max_cost),
                None => forbidden,
            }
        } else if j - people == i {
            open
        } else {
            forbidden
        }
    };
    let matched = hungarian(n, m, cost);
    matched
        .into_iter()
        .map(|j| (j < people).then_some(j))
        .collect()
}

/// Minimum-cost assignment of each of `n` rows to a distinct one of `m ≥ n` columns; returns
/// each row's column.
fn hungarian(n: usize, m: usize, cost: impl Fn(usize, usize) -> i64) -> Vec<usize> {
    const INF: i64 = i64::MAX / 4;
    // 1-based, as in the classic formulation: column 0 and row 0 are sentinels.
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; m + 1];
    let mut p = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![INF; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = INF;
            let mut j1 = 0;
            for j in 1..=m {
                if used[j] {
                    continue;
                }
                let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                if cur < minv[j] {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if minv[j] < delta {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut row_to_col = vec![0usize; n];
    for j in 1..=m {
        if p[j] != 0 {
            row_to_col[p[j] - 1] = j - 1;
        }
    }
    row_to_col
}

/// How good an assignment is: slots filled (more is better), then total cost (less is better).
pub fn score(costs: &[Vec<Option<i64>>], assignment: &[Option<usize>]) -> (usize, i64) {
    let mut filled = 0;
    let mut total = 0;
    for (slot, person) in assignment.iter().enumerate() {
        if let Some(p) = person
            && let Some(c) = costs[slot].get(*p).copied().flatten()
        {
            filled += 1;
            total += c;
        }
    }
    (filled, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The best (filled, cost) by trying every assignment.
    fn exhaustive(costs: &[Vec<Option<i64>>], people: usize) -> (usize, i64) {
        fn go(
            costs: &[Vec<Option<i64>>],
            slot: usize,
            taken: &mut Vec<bool>,
            filled: usize,
            total: i64,
            best: &mut (usize, i64),
        ) {
            if slot == costs.len() {
                if filled > best.0 || (filled == best.0 && total < best.1) {
                    *best = (filled, total);
                }
                return;
            }
            go(costs, slot + 1, taken, filled, total, best);
            for p in 0..taken.len() {
                if let Some(c) = costs[slot].get(p).copied().flatten()
                    && !taken[p]
                {
                    taken[p] = true;
                    go(costs, slot + 1, taken, filled + 1, total + c, best);
                    taken[p] = false;
                }
            }
        }
        let mut best = (0, 0);
        go(costs, 0, &mut vec![false; people], 0, 0, &mut best);
        best
    }

    fn valid(costs: &[Vec<Option<i64>>], a: &[Option<usize>]) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        a.len() == costs.len()
            && a.iter().enumerate().all(|(s, p)| match p {
                None => true,
                Some(p) => costs[s].get(*p).copied().flatten().is_some() && seen.insert(*p),
            })
    }

    #[test]
    fn a_scarce_person_goes_where_only_they_can_go() {
        // Slot 0 can take A or B, slot 1 only A: both are filled only with B on slot 0, even
        // though A is cheaper there.
        let costs = vec![vec![Some(1), Some(5)], vec![Some(3), None]];
        let a = assign(&costs);
        assert_eq!(a, vec![Some(1), Some(0)]);
        assert_eq!(score(&costs, &a), (2, 8));
        // Nobody for a slot: it stays open.
        let costs = vec![vec![None, None], vec![Some(2), Some(1)]];
        assert_eq!(assign(&costs), vec![None, Some(1)]);
        assert!(assign(&[]).is_empty());
    }

    proptest! {
        #[test]
        fn the_same_optimum_as_trying_everything(
            people in 0usize..6,
            cells in proptest::collection::vec(
                proptest::collection::vec(proptest::option::weighted(0.7, 0i64..50), 6),
                0..5,
            ),
        ) {
            let costs: Vec<Vec<Option<i64>>> =
                cells.into_iter().map(|row| row.into_iter().take(people).collect()).collect();
            let a = assign(&costs);
            prop_assert!(valid(&costs, &a), "{a:?} for {costs:?}");
            prop_assert_eq!(score(&costs, &a), exhaustive(&costs, people), "{:?}", costs);
        }
    }
}
