//! Runs the real `cost-allocation` binary on every example of its manifest (inputs repeated here,
//! merged with the defaults) and compares with `expected/cost-allocation/`, then checks bad input.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of an integration test: an unexpected failure should fail the test loudly"
)]

mod common;

use serde_json::{Value, json};

fn run(request: &Value) -> (i32, Value) {
    common::run(env!("CARGO_BIN_EXE_cost-allocation"), request)
}

fn expected(example: &str, lang: &str) -> Value {
    common::expected("cost-allocation", example, lang)
}

/// The manifest's defaults: the worked example of the FinOps article.
const LINE_ITEMS: &str = "date,service,cost,team
2026-10-01,compute,1200.00,pagos
2026-10-01,database,800.00,pagos
2026-10-02,compute,500.00,catalogo
2026-10-02,storage,300.00,catalogo
2026-10-03,analytics,900.00,datos
2026-10-03,storage,300.00,datos
2026-10-04,networking,500.00,
2026-10-05,support,1000.00,shared
";

/// The `focus-export` example: a FOCUS 1.x export with a commitment purchase and sub-cent rows.
const FOCUS_EXPORT: &str = r#"ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ServiceCategory,ServiceName,ResourceId,BilledCost,EffectiveCost,BillingCurrency,Tags
2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,Purchase,Compute,Virtual Machines,commitment-1y,720.00,0.00,USD,
2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,Usage,Compute,Virtual Machines,vm-pagos-1,0.00,480.00,USD,"{""team"": ""pagos"", ""env"": ""prod""}"
2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,Usage,Compute,Virtual Machines,vm-catalogo-1,0.00,240.00,USD,"{""team"": ""catalogo"", ""env"": ""prod""}"
2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,Usage,Databases,Managed Database,db-pagos,800.00,800.00,USD,"{""team"": ""pagos""}"
2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,Usage,Storage,Object Storage,bucket-catalogo,300.00,300.00,USD,"{""team"": ""catalogo""}"
2026-10-03T00:00:00Z,2026-10-04T00:00:00Z,Usage,Analytics,Data Warehouse,dw-datos,900.00,900.00,USD,"{""team"": ""datos""}"
2026-10-04T00:00:00Z,2026-10-05T00:00:00Z,Usage,Networking,Load Balancer,lb-edge,300.00,300.00,USD,
2026-10-05T00:00:00Z,2026-10-06T00:00:00Z,Usage,Other,Support,support-plan,1000.00,1000.00,USD,"{""team"": ""shared""}"
2026-10-06T00:00:00Z,2026-10-07T00:00:00Z,Usage,Integration,Message Queue,queue-pagos,0.005,0.005,USD,"{""team"": ""pagos""}"
2026-10-06T00:00:00Z,2026-10-07T00:00:00Z,Usage,Integration,Message Queue,queue-catalogo,0.005,0.005,USD,"{""team"": ""catalogo""}"
2026-10-06T00:00:00Z,2026-10-07T00:00:00Z,Usage,Integration,Message Queue,queue-datos,0.005,0.005,USD,"{""team"": ""datos""}"
"#;

fn input(strategy: &str) -> Value {
    json!({
        "line_items": LINE_ITEMS,
        "strategy": strategy,
        "fixed_split": "pagos=60, catalogo=20, datos=20",
        "currency": "USD",
    })
}

fn examples() -> Vec<(&'static str, Value)> {
    vec![
        ("proportional", input("proportional")),
        ("even", input("even")),
        ("fixed-split", input("fixed")),
        ("focus-export", {
            let mut focus = input("proportional");
            focus["line_items"] = json!(FOCUS_EXPORT);
            focus
        }),
    ]
}

#[test]
fn every_example_matches_its_expected_answer() {
    for (name, input) in examples() {
        for lang in ["en", "es"] {
            let (code, answer) = run(&json!({"lang": lang, "input": input}));
            assert_eq!(code, 0, "{name} {lang}");
            assert_eq!(answer, expected(name, lang), "{name} {lang}");
        }
    }
}

#[test]
fn the_examples_reproduce_the_articles_table() {
    // content/*/finops: proportional 2,750/1,100/1,650, even 2,500/1,300/1,700, fixed 2,900/1,100/1,500.
    let totals = |strategy: &str| {
        let (_, answer) = run(&json!({"lang": "en", "input": input(strategy)}));
        let rows = answer["blocks"][0]["rows"].as_array().unwrap().clone();
        rows.iter()
            .map(|r| format!("{} {}", r[0].as_str().unwrap(), r[3].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        totals("proportional"),
        [
            "pagos 2,750.00 USD",
            "datos 1,650.00 USD",
            "catalogo 1,100.00 USD",
            "Total 5,500.00 USD"
        ]
    );
    assert_eq!(
        totals("even"),
        [
            "pagos 2,500.00 USD",
            "datos 1,700.00 USD",
            "catalogo 1,300.00 USD",
            "Total 5,500.00 USD"
        ]
    );
    assert_eq!(
        totals("fixed"),
        [
            "pagos 2,900.00 USD",
            "datos 1,500.00 USD",
            "catalogo 1,100.00 USD",
            "Total 5,500.00 USD"
        ]
    );
}

#[test]
fn spanish_output_is_spanish() {
    let (code, answer) = run(&json!({"lang": "es", "input": input("even")}));
    assert_eq!(code, 0);
    assert_eq!(answer["blocks"][0]["columns"][1], "Costo directo");
    assert_eq!(answer["blocks"][0]["rows"][0][3], "2.500,00 USD");
    assert_eq!(
        answer["blocks"][2]["title"],
        "El etiquetado necesita atención"
    );
    assert_eq!(answer["blocks"][3]["kind"], "bar");
}

#[test]
fn bad_inputs_exit_with_2_and_name_the_field() {
    let mut bad_split = input("fixed");
    bad_split["fixed_split"] = json!("pagos=70, catalogo=20, datos=20");
    let mut bad_strategy = input("fixed");
    bad_strategy["strategy"] = json!("random");
    let mut bad_csv = input("even");
    bad_csv["line_items"] =
        json!("date,service,cost,team\n2026-10-01,compute,12.5,a\n2026-10-01,compute,doce,a\n");
    let mut no_teams = input("even");
    no_teams["line_items"] = json!("date,service,cost,team\n2026-10-01,support,10,shared\n");
    let mut wrong_type = input("even");
    wrong_type["line_items"] = json!(42);
    for (input, field, fragment) in [
        (bad_split, "input.fixed_split", "110"),
        (bad_strategy, "input.strategy", "proportional"),
        (bad_csv, "input.line_items", "línea 3"),
        (no_teams, "input.line_items", "equipo"),
        (wrong_type, "input.line_items", "texto"),
    ] {
        let (code, answer) = run(&json!({"lang": "es", "input": input}));
        assert_eq!(code, 2, "{field}");
        assert_eq!(answer["error"]["field"], field);
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(fragment), "{message}");
    }
}

#[test]
fn a_split_that_cannot_be_exact_still_adds_up_to_the_cent() {
    let input = json!({
        "line_items": "date,service,cost,team\n2026-10-01,a,10,x\n2026-10-01,b,10,y\n2026-10-01,c,10,z\n2026-10-02,d,100.00,shared\n",
        "strategy": "even",
    });
    let (code, answer) = run(&json!({"lang": "en", "input": input}));
    assert_eq!(code, 0);
    let shares: Vec<&str> = answer["blocks"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[2].as_str().unwrap())
        .collect();
    assert_eq!(
        shares,
        ["33.34 USD", "33.33 USD", "33.33 USD", "100.00 USD"]
    );
}

fn rows(answer: &Value, block: usize) -> Vec<Vec<String>> {
    answer["blocks"][block]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn sub_cent_line_items_reconcile_with_the_input_total() {
    // 100 × 0.005 + 1.00 is 1.50: rounding each team's 0.005 up on its own used to show 2.00.
    let mut csv = String::from("date,service,cost,team\n2026-10-01,compute,1.00,web\n");
    for i in 0..100 {
        csv.push_str(&format!("2026-10-01,queue,0.005,t{i:03}\n"));
    }
    let (code, answer) =
        run(&json!({"lang": "en", "input": {"line_items": csv, "strategy": "even"}}));
    assert_eq!(code, 0);
    let rows = rows(&answer, 0);
    let total = rows.last().unwrap();
    assert_eq!(total[1], "1.50 USD");
    assert_eq!(total[3], "1.50 USD");
    // Every row's direct cost adds up to the total shown, to the cent.
    let cents: i64 = rows[..rows.len() - 1]
        .iter()
        .map(|r| {
            r[1].trim_end_matches(" USD")
                .replace(['.', ','], "")
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(cents, 150);
}

#[test]
fn a_focus_export_allocates_effective_or_billed_cost() {
    let focus = |metric: &str| {
        let mut input = input("proportional");
        input["line_items"] = json!(FOCUS_EXPORT);
        input["cost_metric"] = json!(metric);
        let (code, answer) = run(&json!({"lang": "en", "input": input}));
        assert_eq!(code, 0, "{answer}");
        answer
    };
    let effective = focus("effective");
    assert!(
        effective["blocks"][0]["text"]
            .as_str()
            .unwrap()
            .contains("EffectiveCost")
    );
    // The commitment's usage is the teams' own cost under EffectiveCost…
    assert_eq!(
        rows(&effective, 1)[0],
        [
            "pagos",
            "1,280.00 USD",
            "611.76 USD",
            "1,891.76 USD",
            "47.1%"
        ]
    );
    // …while BilledCost leaves the untagged purchase in the pool to distribute.
    let billed = focus("billed");
    let billed_rows = rows(&billed, 1);
    let pagos = billed_rows.iter().find(|r| r[0] == "pagos").unwrap();
    assert_eq!(pagos[1], "800.00 USD");
    assert_eq!(billed_rows.last().unwrap()[2], "2,020.00 USD");
    assert_eq!(billed["blocks"][3]["status"], "fail");
    // Both columns by ChargeCategory, each adding up to the same rounded total.
    let categories = rows(&billed, 5);
    assert_eq!(
        categories.last().unwrap(),
        &["Total", "4,020.02 USD", "4,020.02 USD"]
    );
}

#[test]
fn bad_focus_exports_exit_with_2_and_name_the_line() {
    let header = "ChargePeriodStart,ServiceName,BilledCost,EffectiveCost,Tags\n";
    for (text, fragment) in [
        (
            "BilledCost,ServiceName\n1,x\n".to_string(),
            "faltan: ChargePeriodStart, EffectiveCost, Tags",
        ),
        (
            format!("{header}2026-10-01,x,1,1,\n"),
            "línea 2: ChargePeriodStart",
        ),
        (
            format!("{header}2026-10-01T00:00:00Z,x,1,1,[1]\n"),
            "línea 2: Tags",
        ),
        (
            format!("{header}2026-10-01T00:00:00Z,x,1e3,1,\n"),
            "línea 2: el costo",
        ),
    ] {
        let mut input = input("even");
        input["line_items"] = json!(text);
        let (code, answer) = run(&json!({"lang": "es", "input": input}));
        assert_eq!(code, 2, "{text}");
        assert_eq!(answer["error"]["field"], "input.line_items");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(fragment), "{message}");
    }
}
