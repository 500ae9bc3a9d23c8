//! `beredskap import functions|staff|roster` and `bench continuity` as a user runs them:
//! `--json` counts, nothing twice, exit code 2 with line and field for a bad file, the breach of
//! a working-time rule named in the error.

use super::{bin, run, stderr, stdout, temp};

#[test]
fn the_three_imports_count_rows_import_once_and_name_the_bad_line() {
    let d = temp("continuity");
    let url = "sqlite://continuity.sqlite";
    assert!(
        run(bin().args(["migrate", "--database-url", url]), &d)
            .status
            .success()
    );
    std::fs::write(
        d.join("functions.csv"),
        "code,name,service,shift,start,end,min_staff,min_staff_crisis,competences,remote_ok\n\
         grid_control,Driftcentral el,electricity,natt,22:00,06:00,2,3,control_room,false\n\
         grid_control,Driftcentral el,electricity,dag,06:00,14:00,2,3,control_room,false\n",
    )
    .unwrap();
    // Semicolons and a competence with its expiry.
    std::fs::write(
        d.join("staff.csv"),
        "employee_number;name;team;competences;phone;email;remote_possible;weekly_hours\n\
         1001;Anna Ek;A;control_room:2027-06-30;070-1;;false;40\n\
         1002;Bo Berg;B;control_room;070-2;bo@x.se;true;37,5\n",
    )
    .unwrap();
    std::fs::write(
        d.join("roster.csv"),
        "employee_number,function_code,shift,date\n1001,grid_control,natt,2026-12-01\n1002,grid_control,dag,2026-12-01\n",
    )
    .unwrap();
    for (kind, file, first) in [
        (
            "functions",
            "functions.csv",
            r#"{"inserted":2,"updated":0,"unchanged":0}"#,
        ),
        (
            "staff",
            "staff.csv",
            r#"{"inserted":2,"updated":0,"unchanged":0}"#,
        ),
        (
            "roster",
            "roster.csv",
            r#"{"inserted":2,"updated":0,"unchanged":0}"#,
        ),
    ] {
        let o = run(
            bin().args(["import", kind, file, "--json", "--database-url", url]),
            &d,
        );
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert_eq!(stdout(&o), first, "{kind}");
        let o = run(
            bin().args(["import", kind, file, "--json", "--database-url", url]),
            &d,
        );
        assert_eq!(
            stdout(&o),
            first
                .replace(r#""inserted":2"#, r#""inserted":0"#)
                .replace(r#""unchanged":0"#, r#""unchanged":2"#),
            "{kind}: a second import of the same file changes nothing"
        );
    }
    // A bad clock time: exit 2, one line, the line and field, nothing imported.
    std::fs::write(
        d.join("bad.csv"),
        "code,name,service,shift,start,end,min_staff,min_staff_crisis,competences,remote_ok\n\
         water,Vattenverk,water,dag,07:00,19:00,1,1,,false\n\
         water,Vattenverk,water,natt,7pm,07:00,1,1,,false\n",
    )
    .unwrap();
    let o = run(
        bin().args(["import", "functions", "bad.csv", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("line 3, field start") && e.contains("nothing was imported"),
        "{e}"
    );
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    // A roster row that leaves Anna eight hours of rest is refused with the rule and hours.
    std::fs::write(
        d.join("tired.csv"),
        "employee_number,function_code,shift,date\n1001,grid_control,dag,2026-12-02\n",
    )
    .unwrap();
    let o = run(
        bin().args(["import", "roster", "tired.csv", "--database-url", url]),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("line 2, field date") && e.contains("Breaks the daily rest: 8 hours"),
        "{e}"
    );
    // Text output without --json.
    let o = run(
        bin().args(["import", "staff", "staff.csv", "--database-url", url]),
        &d,
    );
    assert!(
        stdout(&o).contains("0 rows were added, 0 updated, 2 unchanged"),
        "{}",
        stdout(&o)
    );
    // A dry run of a file with a new person and a changed one counts them and writes nothing.
    std::fs::write(
        d.join("staff2.csv"),
        "employee_number;name;team;competences;phone;email;remote_possible;weekly_hours\n\
         1001;Anna Ek;A;control_room:2027-06-30;070-1;;false;40\n\
         1002;Bo Berg;C;control_room;070-2;bo@x.se;true;37,5\n\
         1003;Cia Dahl;B;;070-3;;false;40\n",
    )
    .unwrap();
    for _ in 0..2 {
        let o = run(
            bin().args([
                "import",
                "staff",
                "staff2.csv",
                "--dry-run",
                "--database-url",
                url,
            ]),
            &d,
        );
        assert!(
            stdout(&o).contains(
                "1 rows would be added, 1 updated, 1 unchanged (a dry run: nothing was written)"
            ),
            "{}{}",
            stdout(&o),
            stderr(&o)
        );
    }
}

#[test]
fn the_continuity_bench_runs_on_small_sizes() {
    let d = temp("bench-continuity");
    let o = run(
        bin().args([
            "bench",
            "continuity",
            "--staff",
            "180",
            "--functions",
            "10",
            "--days",
            "3",
            "--gaps",
            "4",
            "--runs",
            "1",
            "--dir",
            ".",
        ]),
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["shifts"], 30);
    assert_eq!(v["board"]["cells"], 90);
    assert_eq!(v["cover"]["red_shifts"], 4);
    assert_eq!(v["cover"]["places_filled"], 4, "{v}");
    assert!(v["cover"]["timing"]["p95_ms"].as_f64().is_some());
}
