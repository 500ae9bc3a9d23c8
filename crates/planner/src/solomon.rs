//! Solomon-format VRPTW instances (Solomon 100, Gehring-Homberger) parsed from
//! text, and their integer [`Instance`] under the DIMACS 2021 convention:
//! travel time = distance = ⌊10 × Euclidean⌋, ready/due/service × 10.

use crate::search::{Instance, JobSpec, VehicleSpec};

/// A parsed Solomon instance in its own units.
#[derive(Clone, Debug)]
pub struct Solomon {
    pub name: String,
    pub vehicles: usize,
    pub capacity: i32,
    /// Node 0 is the depot; customer `k` is node `k`.
    pub nodes: Vec<SolomonNode>,
}

#[derive(Clone, Copy, Debug)]
pub struct SolomonNode {
    pub x: f64,
    pub y: f64,
    pub demand: i32,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
}

/// Parses the classic text layout; errors name the line.
pub fn parse(text: &str) -> Result<Solomon, String> {
    let mut lines = text.lines().enumerate();
    let name = lines
        .by_ref()
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string();
    let mut vehicles = None;
    let mut nodes = Vec::new();
    let mut expect_fleet = false;
    for (no, line) in lines {
        let t = line.trim();
        if t.starts_with("NUMBER") {
            expect_fleet = true;
            continue;
        }
        let nums: Result<Vec<f64>, _> = t.split_whitespace().map(str::parse::<f64>).collect();
        let Ok(nums) = nums else { continue };
        if nums.is_empty() {
            continue;
        }
        if expect_fleet {
            if nums.len() != 2 {
                return Err(format!(
                    "line {}: expected vehicle number and capacity",
                    no + 1
                ));
            }
            vehicles = Some((nums[0] as usize, nums[1] as i32));
            expect_fleet = false;
            continue;
        }
        if nums.len() != 7 {
            return Err(format!(
                "line {}: expected 7 numbers, found {}",
                no + 1,
                nums.len()
            ));
        }
        if nums[0] as usize != nodes.len() {
            return Err(format!(
                "line {}: customers must be numbered 0, 1, 2, … in order",
                no + 1
            ));
        }
        nodes.push(SolomonNode {
            x: nums[1],
            y: nums[2],
            demand: nums[3] as i32,
            ready: nums[4],
            due: nums[5],
            service: nums[6],
        });
    }
    let (vehicles, capacity) = vehicles.ok_or("no VEHICLE NUMBER/CAPACITY section")?;
    if nodes.len() < 2 {
        return Err("no customers".into());
    }
    Ok(Solomon {
        name,
        vehicles,
        capacity,
        nodes,
    })
}

impl Solomon {
    /// The DIMACS integer instance: job `i` is customer `i + 1`, the depot is node `n`.
    pub fn dimacs(&self) -> Instance {
        let n = self.nodes.len();
        // Node order in the matrix: customers 1..n-1 first, then the depot.
        let order: Vec<usize> = (1..n).chain(std::iter::once(0)).collect();
        let mut time = vec![0i32; n * n];
        for (a, &ia) in order.iter().enumerate() {
            for (b, &ib) in order.iter().enumerate() {
                let (p, q) = (self.nodes[ia], self.nodes[ib]);
                let d = ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
                time[a * n + b] = (10.0 * d + 1e-9).floor() as i32;
            }
        }
        let tenths = |v: f64| (v * 10.0).round() as i32;
        let jobs = self.nodes[1..]
            .iter()
            .map(|c| {
                let mut j = JobSpec::new(
                    tenths(c.service),
                    tenths(c.ready),
                    tenths(c.due),
                    1_000_000_000,
                );
                j.demand = c.demand;
                j
            })
            .collect();
        let depot = self.nodes[0];
        let veh = VehicleSpec {
            start: (n - 1) as u32,
            end: (n - 1) as u32,
            shift_start: tenths(depot.ready),
            shift_end: tenths(depot.due),
            capacity: self.capacity,
            skills: 0,
            day: 0,
        };
        Instance {
            n_nodes: n,
            time,
            jobs,
            vehicles: vec![veh; self.vehicles],
        }
    }
}
