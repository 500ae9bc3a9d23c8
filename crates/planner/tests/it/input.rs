use planner::csv::{parse_crews, parse_jobs, validate};
use planner::town::{crews_csv, jobs_csv};

#[test]
fn town_round_trips_through_csv() {
    let p = crate::town(50, 3, 2, 1);
    let jobs = parse_jobs(&jobs_csv(&p.jobs)).map_err(|e| e.to_string());
    assert_eq!(jobs.as_ref().map(Vec::len), Ok(50));
    assert_eq!(jobs.ok().map(|j| j[7].clone()), Some(p.jobs[7].clone()));
    let crews = parse_crews(&crews_csv(&p.crews)).map_err(|e| e.to_string());
    assert_eq!(
        crews.map(|c| c[0].skills.clone()),
        Ok(vec!["ct".to_string()])
    );
}

#[test]
fn fixed_job_on_a_non_working_day_and_crew_without_days_are_errors() {
    let mut p = crate::town(5, 2, 2, 1);
    p.jobs[3].fixed = Some(planner::Fixed {
        crew: "crew01".into(),
        date: p.crews[0].dates[0].add_days(5),
    });
    let e = validate(&p).err();
    assert_eq!(
        e.map(|e| (e.file, e.row, e.column)),
        Some((planner::InputFile::Jobs, 5, "fixed_date".to_string()))
    );
    p.jobs[3].fixed = None;
    p.crews[1].dates.clear();
    let e = validate(&p).err();
    assert_eq!(
        e.map(|e| (e.file, e.row)),
        Some((planner::InputFile::Crews, 3))
    );
}
