//! The `cost-allocation` lab: a FinOps showback of a month of cloud cost line items.
//!
//! This module owns the arithmetic of distributing the costs nobody owns — untagged line items
//! and line items tagged `shared` — among the teams that do own costs, by one of three agreements
//! (proportional to direct cost, even, or a fixed percentage split), and the tagging-health KPI
//! (untagged spend as a share of the total).
//!
//! It reads two shapes of cost data, told apart by the header: the course's small CSV
//! (`date,service,cost,team`) and a FOCUS 1.x export, the FinOps Foundation's open billing format
//! (`ChargePeriodStart`, `ServiceName`, `BilledCost`, `EffectiveCost`, `Tags` as a JSON object,
//! optionally `ChargeCategory` and `BillingCurrency`; every other column is ignored). From a FOCUS
//! export the team comes from one tag key, and the cost from either `EffectiveCost` (amortized:
//! what a team consumed) or `BilledCost` (what the invoice says).
//!
//! Money is exact: amounts are parsed into integers of 10⁻¹² of the currency and summed without
//! rounding. Rounding to cents happens once, at the end, by the largest-remainder method (ties
//! broken by name): the table's grand total is the input's total rounded, and every column and
//! row adds up to it to the cent — a hundred line items of 0.005 make 0.50, never 1.00. The
//! module knows nothing about files or any provider's own export format.

use std::collections::BTreeMap;

use crate::protocol::{Block, ChartView, Fields, InputError, Lang, Request, Series};

/// Team value that marks a cost as shared by everyone (compared case-insensitively).
const SHARED: &str = "shared";
/// Tagging health: at or below this share of untagged spend the tagging is healthy; this is the
/// mature target commonly quoted in FinOps practice.
const UNTAGGED_HEALTHY_PERCENT: f64 = 5.0;
/// Above this share the untagged spend is a problem; 10 % is the usual first target of a
/// tagging programme (see the FinOps article of the course).
const UNTAGGED_LIMIT_PERCENT: f64 = 10.0;
/// Decimals kept exactly (real exports carry unit prices with many decimals).
const DECIMALS: usize = 12;
/// Digits before the decimal point: amounts below a trillion per line item.
const MAX_INT_DIGITS: usize = 12;
/// One cent in the exact unit (10⁻¹² of the currency).
const UNITS_PER_CENT: i128 = 10_000_000_000;
/// At most this many line items, so that sums stay far inside `i128`.
const MAX_ITEMS: usize = 10_000;

/// Runs the lab: parses the line items and the strategy, allocates, and reports.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let fields = Fields::new(request);
    let lang = fields.lang();
    let metric = match fields
        .choice("cost_metric", "effective", &["effective", "billed"])?
        .as_str()
    {
        "billed" => Metric::Billed,
        _ => Metric::Effective,
    };
    let tag_key = fields.string("tag_key", "team")?.trim().to_string();
    let options = ReadOptions {
        metric,
        tag_key: if tag_key.is_empty() {
            "team".to_string()
        } else {
            tag_key
        },
    };
    let export = parse_line_items(&fields.string("line_items", "")?, &options, lang)?;
    let strategy = match fields
        .choice(
            "strategy",
            "proportional",
            &["proportional", "even", "fixed"],
        )?
        .as_str()
    {
        "even" => Strategy::Even,
        "fixed" => Strategy::Fixed,
        _ => Strategy::Proportional,
    };
    let currency = match &export.currency {
        Some(code) => code.clone(),
        None => parse_currency(&fields.string("currency", "USD")?, lang)?,
    };
    let spend = Spend::from_items(&export.items);
    if spend.direct.is_empty() {
        return Err(InputError::new(
            "input.line_items",
            lang.pick(
                "no line item belongs to a team: there is nobody to allocate the costs to",
                "ninguna partida pertenece a un equipo: no hay a quién asignar los costos",
            ),
        ));
    }
    let weights = match strategy {
        Strategy::Proportional => proportional_weights(&spend, lang)?,
        Strategy::Even => spend.direct.keys().map(|t| (t.clone(), 1)).collect(),
        Strategy::Fixed => parse_fixed_split(&fields.string("fixed_split", "")?, &spend, lang)?,
    };
    if weights.values().all(|w| *w == 0) {
        return Err(InputError::new(
            "input.strategy",
            lang.pick(
                "every team has zero direct cost, so a proportional split is undefined; choose even or fixed",
                "todos los equipos tienen costo directo cero, así que el reparto proporcional no está definido; elijan equitativo o fijo",
            ),
        ));
    }
    let showback = Showback::new(&spend, &weights);
    let mut blocks = Vec::new();
    if export.format == Format::Focus {
        blocks.push(Block::Text {
            text: describe_focus(&export, &options, lang),
        });
    }
    blocks.extend(report(
        &spend, &showback, &weights, strategy, &currency, lang,
    ));
    if export.format == Format::Focus {
        blocks.push(category_table(
            &export.items,
            options.metric,
            &currency,
            lang,
        ));
    }
    Ok(blocks)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    Proportional,
    Even,
    Fixed,
}

/// Which FOCUS cost column is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    /// `EffectiveCost`: amortized, what was consumed (a commitment's purchase is 0, the usage it
    /// covers carries its share).
    Effective,
    /// `BilledCost`: what the invoice charges, purchases included, when they are billed.
    Billed,
}

/// How to read a FOCUS export: the cost column and the tag key that names the team.
struct ReadOptions {
    metric: Metric,
    tag_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `date,service,cost,team`.
    Simple,
    /// A FOCUS 1.x export.
    Focus,
}

/// Who a line item belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    Team(String),
    Shared,
    Untagged,
}

#[derive(Debug, Clone, PartialEq)]
struct LineItem {
    date: String,
    owner: Owner,
    /// The allocated cost, in 10⁻¹² of the currency, exactly as written.
    units: i128,
    /// FOCUS only: the charge category and both cost columns, for the category table.
    category: Option<String>,
    billed: i128,
    effective: i128,
}

/// What the text held: its shape, its line items, and the currency it names, if any.
#[derive(Debug, Clone, PartialEq)]
struct Export {
    format: Format,
    items: Vec<LineItem>,
    currency: Option<String>,
}

/// The month's spend, exact (in 10⁻¹² of the currency).
#[derive(Debug, Clone, PartialEq)]
struct Spend {
    direct: BTreeMap<String, i128>,
    untagged: i128,
    shared: i128,
    first_date: String,
    last_date: String,
}

impl Spend {
    fn from_items(items: &[LineItem]) -> Self {
        let mut direct: BTreeMap<String, i128> = BTreeMap::new();
        let (mut untagged, mut shared) = (0, 0);
        for item in items {
            match &item.owner {
                Owner::Team(team) => *direct.entry(team.clone()).or_default() += item.units,
                Owner::Shared => shared += item.units,
                Owner::Untagged => untagged += item.units,
            }
        }
        let first_date = items.iter().map(|i| &i.date).min().cloned();
        let last_date = items.iter().map(|i| &i.date).max().cloned();
        Spend {
            direct,
            untagged,
            shared,
            first_date: first_date.unwrap_or_default(),
            last_date: last_date.unwrap_or_default(),
        }
    }

    /// What gets distributed: untagged plus shared.
    fn pool(&self) -> i128 {
        self.untagged + self.shared
    }

    fn direct_total(&self) -> i128 {
        self.direct.values().sum()
    }

    fn total(&self) -> i128 {
        self.direct_total() + self.pool()
    }
}

/// Every amount the report shows, in cents, rounded once so that everything adds up: the grand
/// total is the exact total rounded; it splits into the direct column and the distributed pool;
/// each of those splits among the teams (and the pool into untagged and shared).
#[derive(Debug, Clone, PartialEq)]
struct Showback {
    total: i128,
    direct_total: i128,
    pool: i128,
    untagged: i128,
    shared: i128,
    direct: BTreeMap<String, i128>,
    shares: BTreeMap<String, i128>,
}

impl Showback {
    fn new(spend: &Spend, weights: &BTreeMap<String, i128>) -> Self {
        let total = round_to_cents(spend.total());
        let columns = round_apportion(
            total,
            &[
                ("direct".to_string(), spend.direct_total()),
                ("pool".to_string(), spend.pool()),
            ],
        );
        let (direct_total, pool) = (columns[0], columns[1]);
        let pool_parts = round_apportion(
            pool,
            &[
                ("shared".to_string(), spend.shared),
                ("untagged".to_string(), spend.untagged),
            ],
        );
        let direct_items: Vec<(String, i128)> = spend
            .direct
            .iter()
            .map(|(team, units)| (team.clone(), *units))
            .collect();
        let direct = direct_items
            .iter()
            .map(|(team, _)| team.clone())
            .zip(round_apportion(direct_total, &direct_items))
            .collect();
        Showback {
            total,
            direct_total,
            pool,
            untagged: pool_parts[1],
            shared: pool_parts[0],
            direct,
            shares: largest_remainder(pool, weights),
        }
    }
}

/// Exact units to cents, half away from zero.
fn round_to_cents(units: i128) -> i128 {
    let half = UNITS_PER_CENT / 2;
    if units >= 0 {
        (units + half) / UNITS_PER_CENT
    } else {
        -((-units + half) / UNITS_PER_CENT)
    }
}

/// Rounds exact amounts to cents so that they add up to `target` cents (which must be their
/// sum rounded, or a part of such a split): each gets the floor of its exact value, and the
/// cents left over go one each to the largest fractional parts, ties broken by name.
fn round_apportion(target: i128, items: &[(String, i128)]) -> Vec<i128> {
    let mut cents: Vec<i128> = items
        .iter()
        .map(|(_, units)| units.div_euclid(UNITS_PER_CENT))
        .collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (
            items[a].1.rem_euclid(UNITS_PER_CENT),
            items[b].1.rem_euclid(UNITS_PER_CENT),
        );
        rb.cmp(&ra).then(items[a].0.cmp(&items[b].0))
    });
    let mut left = target - cents.iter().sum::<i128>();
    // `left` is between 0 and the number of items when `target` is a rounded sum; the loop
    // also copes with anything else without ever looping forever.
    for &index in order.iter().cycle().take(items.len() * 2) {
        if left == 0 {
            break;
        }
        let step = left.signum();
        cents[index] += step;
        left -= step;
    }
    cents
}

/// Splits `amount` cents in proportion to `weights`: every team gets the floor of its exact
/// share, and the cents left over go one each to the largest remainders, ties broken by team
/// name. The shares always sum to `amount` exactly. Weights must not be negative.
fn largest_remainder(amount: i128, weights: &BTreeMap<String, i128>) -> BTreeMap<String, i128> {
    let total_weight: i128 = weights.values().sum();
    if total_weight <= 0 {
        return weights.keys().map(|t| (t.clone(), 0)).collect();
    }
    let mut shares: BTreeMap<String, i128> = BTreeMap::new();
    let mut remainders: Vec<(i128, &String)> = Vec::new();
    for (team, weight) in weights {
        let (share, remainder) = mul_div(amount, *weight, total_weight);
        shares.insert(team.clone(), share);
        remainders.push((remainder, team));
    }
    let mut left = amount - shares.values().sum::<i128>();
    // Largest remainder first; equal remainders in alphabetical order (the Vec is already in
    // name order and the sort is stable).
    remainders.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, team) in remainders {
        if left == 0 {
            break;
        }
        if let Some(share) = shares.get_mut(team) {
            *share += 1;
            left -= 1;
        }
    }
    shares
}

/// `floor(a × b / c)` and its remainder, for `b ≥ 0` and `c > 0`, without overflow: the product
/// of a pool in cents and a weight in 10⁻¹² units does not fit in 128 bits.
fn mul_div(a: i128, b: i128, c: i128) -> (i128, i128) {
    let (q, r) = mul_div_unsigned(a.unsigned_abs(), b.unsigned_abs(), c.unsigned_abs());
    // Both fit: |a × b / c| ≤ |a| because b ≤ c for a weight out of a total, and r < c.
    let (q, r) = (q as i128, r as i128);
    if a >= 0 || r == 0 {
        (if a >= 0 { q } else { -q }, r)
    } else {
        (-q - 1, c - r)
    }
}

/// Unsigned `a × b / c` through a 256-bit product and long division (c < 2¹²⁷).
fn mul_div_unsigned(a: u128, b: u128, c: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & LOW);
    let (b1, b0) = (b >> 64, b & LOW);
    let low = a0 * b0;
    let middle_a = a0 * b1;
    let middle_b = a1 * b0;
    let high = a1 * b1;
    // Sum the middle terms into the two halves of the 256-bit product, with carries.
    let (middle, middle_carry) = middle_a.overflowing_add(middle_b);
    let (product_low, low_carry) = low.overflowing_add(middle << 64);
    let product_high =
        high + (middle >> 64) + (u128::from(middle_carry) << 64) + u128::from(low_carry);
    let mut quotient = 0u128;
    let mut remainder = 0u128;
    for bit in (0..256).rev() {
        let next = if bit >= 128 {
            (product_high >> (bit - 128)) & 1
        } else {
            (product_low >> bit) & 1
        };
        remainder = (remainder << 1) | next;
        if remainder >= c {
            remainder -= c;
            if bit < 128 {
                quotient |= 1 << bit;
            }
        }
    }
    (quotient, remainder)
}

/// Direct costs as weights, refusing a team whose credits exceed its charges.
fn proportional_weights(spend: &Spend, lang: Lang) -> Result<BTreeMap<String, i128>, InputError> {
    if let Some((team, _)) = spend.direct.iter().find(|(_, units)| **units < 0) {
        return Err(InputError::new(
            "input.strategy",
            format!(
                "\"{team}\": {}",
                lang.pick(
                    "its direct cost is negative (credits exceed charges), so a proportional split is undefined; choose even or fixed",
                    "su costo directo es negativo (los créditos superan los cargos), así que el reparto proporcional no está definido; elijan equitativo o fijo",
                )
            ),
        ));
    }
    Ok(spend.direct.clone())
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

fn line_error(line: u64, en: &str, es: &str, lang: Lang) -> InputError {
    InputError::new(
        "input.line_items",
        format!(
            "{} {line}: {}",
            lang.pick("line", "línea"),
            lang.pick(en, es)
        ),
    )
}

/// The columns of a FOCUS export the lab needs, and those it reads when present.
const FOCUS_REQUIRED: [&str; 5] = [
    "ChargePeriodStart",
    "ServiceName",
    "BilledCost",
    "EffectiveCost",
    "Tags",
];

fn parse_line_items(text: &str, options: &ReadOptions, lang: Lang) -> Result<Export, InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(&e, lang))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect::<Vec<_>>();
    let column = |name: &str| headers.iter().position(|h| h == &name.to_ascii_lowercase());
    let focus = column("BilledCost").is_some();
    let export = if focus {
        let missing: Vec<&str> = FOCUS_REQUIRED
            .iter()
            .copied()
            .filter(|name| column(name).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(line_error(
                1,
                &format!(
                    "a FOCUS export needs the columns {}; missing: {}",
                    FOCUS_REQUIRED.join(", "),
                    missing.join(", ")
                ),
                &format!(
                    "una exportación FOCUS necesita las columnas {}; faltan: {}",
                    FOCUS_REQUIRED.join(", "),
                    missing.join(", ")
                ),
                lang,
            ));
        }
        let columns = FocusColumns {
            start: column("ChargePeriodStart").unwrap_or_default(),
            billed: column("BilledCost").unwrap_or_default(),
            effective: column("EffectiveCost").unwrap_or_default(),
            tags: column("Tags").unwrap_or_default(),
            category: column("ChargeCategory"),
            currency: column("BillingCurrency"),
        };
        read_focus(&mut reader, &columns, options, lang)?
    } else {
        let (Some(date), Some(cost), Some(team), Some(_)) = (
            column("date"),
            column("cost"),
            column("team"),
            column("service"),
        ) else {
            return Err(line_error(
                1,
                "the header must name the columns date,service,cost,team (or be a FOCUS export with BilledCost, EffectiveCost, ChargePeriodStart, ServiceName and Tags)",
                "el encabezado debe nombrar las columnas date,service,cost,team (o ser una exportación FOCUS con BilledCost, EffectiveCost, ChargePeriodStart, ServiceName y Tags)",
                lang,
            ));
        };
        read_simple(&mut reader, date, cost, team, lang)?
    };
    if export.items.is_empty() {
        return Err(InputError::new(
            "input.line_items",
            lang.pick(
                "no line items: add rows under the header (date,service,cost,team, or a FOCUS export's columns)",
                "no hay partidas: agreguen filas debajo del encabezado (date,service,cost,team, o las columnas de una exportación FOCUS)",
            ),
        ));
    }
    Ok(export)
}

/// The next record, with its line, refusing more than [`MAX_ITEMS`].
fn next_record(
    records: &mut csv::StringRecordsIter<'_, &[u8]>,
    count: usize,
    lang: Lang,
) -> Result<Option<(csv::StringRecord, u64)>, InputError> {
    let Some(record) = records.next() else {
        return Ok(None);
    };
    let record = record.map_err(|e| csv_error(&e, lang))?;
    let line = record.position().map_or(0, |p| p.line());
    if count >= MAX_ITEMS {
        return Err(line_error(
            line,
            &format!("at most {MAX_ITEMS} line items"),
            &format!("como máximo {MAX_ITEMS} partidas"),
            lang,
        ));
    }
    Ok(Some((record, line)))
}

fn read_simple(
    reader: &mut csv::Reader<&[u8]>,
    date_col: usize,
    cost_col: usize,
    team_col: usize,
    lang: Lang,
) -> Result<Export, InputError> {
    let mut items = Vec::new();
    let mut records = reader.records();
    while let Some((record, line)) = next_record(&mut records, items.len(), lang)? {
        let field = |i: usize| record.get(i).unwrap_or("");
        let date = field(date_col);
        if !is_iso_date(date) {
            return Err(line_error(
                line,
                &format!("the date \"{date}\" is not YYYY-MM-DD"),
                &format!("la fecha \"{date}\" no tiene el formato AAAA-MM-DD"),
                lang,
            ));
        }
        let units = amount(field(cost_col), line, lang)?;
        let team = field(team_col);
        items.push(LineItem {
            date: date.to_string(),
            owner: owner_of(team),
            units,
            category: None,
            billed: units,
            effective: units,
        });
    }
    Ok(Export {
        format: Format::Simple,
        items,
        currency: None,
    })
}

/// Where the columns a FOCUS export shares with the lab sit in its header.
struct FocusColumns {
    start: usize,
    billed: usize,
    effective: usize,
    tags: usize,
    category: Option<usize>,
    currency: Option<usize>,
}

fn read_focus(
    reader: &mut csv::Reader<&[u8]>,
    columns: &FocusColumns,
    options: &ReadOptions,
    lang: Lang,
) -> Result<Export, InputError> {
    let mut items = Vec::new();
    let mut currency: Option<(String, u64)> = None;
    let mut records = reader.records();
    while let Some((record, line)) = next_record(&mut records, items.len(), lang)? {
        let field = |i: usize| record.get(i).unwrap_or("");
        let start = field(columns.start);
        if !is_focus_datetime(start) {
            return Err(line_error(
                line,
                &format!(
                    "ChargePeriodStart \"{start}\" is not a FOCUS date-time (YYYY-MM-DDTHH:mm:ssZ, in UTC)"
                ),
                &format!(
                    "ChargePeriodStart \"{start}\" no es una fecha y hora FOCUS (AAAA-MM-DDTHH:mm:ssZ, en UTC)"
                ),
                lang,
            ));
        }
        let billed = amount(field(columns.billed), line, lang)?;
        let effective = amount(field(columns.effective), line, lang)?;
        if let Some(code) = columns.currency.map(field).filter(|c| !c.is_empty()) {
            match &currency {
                None => currency = Some((code.to_string(), line)),
                Some((first, first_line)) if first != code => {
                    return Err(line_error(
                        line,
                        &format!(
                            "BillingCurrency {code} differs from {first} on line {first_line}; the lab adds up one currency"
                        ),
                        &format!(
                            "BillingCurrency {code} no coincide con {first} de la línea {first_line}; el laboratorio suma una sola moneda"
                        ),
                        lang,
                    ));
                }
                Some(_) => {}
            }
        }
        let owner = focus_owner(field(columns.tags), &options.tag_key, line, lang)?;
        items.push(LineItem {
            date: start[..10].to_string(),
            owner,
            units: match options.metric {
                Metric::Effective => effective,
                Metric::Billed => billed,
            },
            category: columns
                .category
                .map(field)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            billed,
            effective,
        });
    }
    Ok(Export {
        format: Format::Focus,
        items,
        currency: currency.map(|(code, _)| code),
    })
}

fn owner_of(team: &str) -> Owner {
    if team.is_empty() {
        Owner::Untagged
    } else if team.eq_ignore_ascii_case(SHARED) {
        Owner::Shared
    } else {
        Owner::Team(team.to_string())
    }
}

/// The owner named by one key of a FOCUS `Tags` cell (a JSON object; empty or `null` is no tags).
/// A key without a text value (FOCUS writes `true` for valueless tags) names nobody.
fn focus_owner(cell: &str, key: &str, line: u64, lang: Lang) -> Result<Owner, InputError> {
    if cell.is_empty() || cell == "null" {
        return Ok(Owner::Untagged);
    }
    match serde_json::from_str::<serde_json::Value>(cell) {
        Ok(serde_json::Value::Object(tags)) => Ok(match tags.get(key) {
            Some(serde_json::Value::String(team)) => owner_of(team.trim()),
            _ => Owner::Untagged,
        }),
        _ => Err(line_error(
            line,
            &format!(
                "Tags must be a JSON object such as {{\"{key}\": \"pagos\"}} (in CSV, double the quotes inside a quoted cell); found {cell}"
            ),
            &format!(
                "Tags debe ser un objeto JSON como {{\"{key}\": \"pagos\"}} (en CSV, dupliquen las comillas dentro de una celda entre comillas); se encontró {cell}"
            ),
            lang,
        )),
    }
}

fn amount(text: &str, line: u64, lang: Lang) -> Result<i128, InputError> {
    parse_units(text).ok_or_else(|| {
        line_error(
            line,
            &format!(
                "the cost \"{text}\" is not an amount with a decimal point and at most {DECIMALS} decimals, such as 1200.50 or -3.25"
            ),
            &format!(
                "el costo \"{text}\" no es un monto con punto decimal y hasta {DECIMALS} decimales, como 1200.50 o -3.25"
            ),
            lang,
        )
    })
}

fn csv_error(error: &csv::Error, lang: Lang) -> InputError {
    let line = error.position().map_or(0, |p| p.line());
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => line_error(
            line,
            &format!("expected {expected_len} columns, found {len}"),
            &format!("se esperaban {expected_len} columnas y hay {len}"),
            lang,
        ),
        _ => InputError::new(
            "input.line_items",
            format!("{} {error}", lang.pick("unreadable CSV:", "CSV ilegible:")),
        ),
    }
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// FOCUS's date-time format: `YYYY-MM-DDTHH:mm:ssZ`.
fn is_focus_datetime(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 20
        && is_iso_date(&text[..10])
        && bytes[10..].iter().enumerate().all(|(i, b)| match i {
            0 => *b == b'T',
            3 | 6 => *b == b':',
            9 => *b == b'Z',
            _ => b.is_ascii_digit(),
        })
}

/// Parses a plain decimal amount (`1200`, `0.0025`, `-3.5`) exactly into 10⁻¹² units.
fn parse_units(text: &str) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty()
        || !digits_only(int_part)
        || !digits_only(frac_part)
        || frac_part.len() > DECIMALS
        || int_part.len() > MAX_INT_DIGITS
    {
        return None;
    }
    let int_value: i128 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().ok()?
    };
    let frac_value: i128 = format!("{frac_part:0<DECIMALS$}").parse().ok()?;
    let value = int_value * 10i128.pow(DECIMALS as u32) + frac_value;
    Some(if negative { -value } else { value })
}

/// Parses `pagos=60, catalogo=20, datos=20` into weights in hundredths of a percent.
fn parse_fixed_split(
    text: &str,
    spend: &Spend,
    lang: Lang,
) -> Result<BTreeMap<String, i128>, InputError> {
    let field = "input.fixed_split";
    let mut weights: BTreeMap<String, i128> = spend.direct.keys().map(|t| (t.clone(), 0)).collect();
    let mut seen = Vec::new();
    for entry in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        let Some((team, percent)) = entry.split_once('=') else {
            return Err(InputError::new(
                field,
                format!(
                    "\"{entry}\": {}",
                    lang.pick(
                        "expected team=percentage, for example datos=50",
                        "se esperaba equipo=porcentaje, por ejemplo datos=50",
                    )
                ),
            ));
        };
        let (team, percent) = (team.trim(), percent.trim().trim_end_matches('%').trim());
        // Hundredths of a percent are 10¹⁰ exact units.
        let Some(hundredths) = parse_units(percent)
            .filter(|u| *u >= 0 && u % 10_000_000_000 == 0 && *u <= 100 * 10i128.pow(12))
            .map(|u| u / 10_000_000_000)
        else {
            return Err(InputError::new(
                field,
                format!(
                    "\"{entry}\": {}",
                    lang.pick(
                        "the percentage must be a number from 0 to 100 with at most 2 decimals",
                        "el porcentaje debe ser un número de 0 a 100 con hasta 2 decimales",
                    )
                ),
            ));
        };
        if !spend.direct.contains_key(team) {
            let known: Vec<&str> = spend.direct.keys().map(String::as_str).collect();
            return Err(InputError::new(
                field,
                format!(
                    "\"{team}\": {} {}",
                    lang.pick(
                        "no line item belongs to this team; the teams are",
                        "ninguna partida pertenece a este equipo; los equipos son",
                    ),
                    known.join(", ")
                ),
            ));
        }
        if seen.contains(&team) {
            return Err(InputError::new(
                field,
                format!(
                    "\"{team}\": {}",
                    lang.pick("appears twice", "aparece dos veces")
                ),
            ));
        }
        seen.push(team);
        weights.insert(team.to_string(), hundredths);
    }
    let sum: i128 = weights.values().sum();
    if sum != 10_000 {
        return Err(InputError::new(
            field,
            format!(
                "{} {}",
                lang.pick(
                    "the percentages must add up to 100; they add up to",
                    "los porcentajes deben sumar 100; suman",
                ),
                lang.number(sum as f64 / 100.0, 2)
            ),
        ));
    }
    Ok(weights)
}

fn parse_currency(text: &str, lang: Lang) -> Result<String, InputError> {
    let currency = text.trim();
    if currency.is_empty() {
        return Ok("USD".to_string());
    }
    if currency.chars().count() > 10 || currency.chars().any(char::is_control) {
        return Err(InputError::new(
            "input.currency",
            lang.pick(
                "expected a short currency code or symbol, such as USD, MXN or COP",
                "se esperaba un código o símbolo de moneda corto, como USD, MXN o COP",
            ),
        ));
    }
    Ok(currency.to_string())
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// Cents as `1,234.56 USD` (`1.234,56 USD` in Spanish), from the integer: no float rounding.
fn money(cents: i128, currency: &str, lang: Lang) -> String {
    let (group, decimal) = match lang {
        Lang::En => (',', '.'),
        Lang::Es => ('.', ','),
    };
    let whole = (cents.unsigned_abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(digit);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{grouped}{decimal}{:02} {currency}",
        cents.unsigned_abs() % 100
    )
}

fn percent(part: i128, whole: i128, lang: Lang) -> String {
    let value = if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    };
    format!("{}{}", lang.number(value, 1), lang.pick("%", " %"))
}

fn report(
    spend: &Spend,
    showback: &Showback,
    weights: &BTreeMap<String, i128>,
    strategy: Strategy,
    currency: &str,
    lang: Lang,
) -> Vec<Block> {
    let total = showback.total;
    // Biggest total first, as a showback is read; equal totals by name.
    let mut teams: Vec<(&String, i128, i128)> = showback
        .direct
        .iter()
        .map(|(team, direct)| {
            (
                team,
                *direct,
                showback.shares.get(team).copied().unwrap_or(0),
            )
        })
        .collect();
    teams.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(b.0)));

    let mut rows: Vec<Vec<String>> = teams
        .iter()
        .map(|(team, direct, share)| {
            vec![
                (*team).clone(),
                money(*direct, currency, lang),
                money(*share, currency, lang),
                money(direct + share, currency, lang),
                percent(direct + share, total, lang),
            ]
        })
        .collect();
    rows.push(vec![
        lang.pick("Total", "Total").to_string(),
        money(showback.direct_total, currency, lang),
        money(showback.pool, currency, lang),
        money(total, currency, lang),
        percent(total, total, lang),
    ]);

    let strategy_name = match strategy {
        Strategy::Proportional => lang.pick("proportional", "proporcional"),
        Strategy::Even => lang.pick("even", "equitativo"),
        Strategy::Fixed => lang.pick("fixed", "fijo"),
    };
    let weight_total: i128 = weights.values().sum();
    let split = weights
        .iter()
        .map(|(team, weight)| format!("{team} {}", percent(*weight, weight_total, lang)))
        .collect::<Vec<_>>()
        .join(", ");
    let how = match strategy {
        Strategy::Proportional => lang.pick(
            "split in proportion to direct cost",
            "repartido en proporción al costo directo",
        ),
        Strategy::Even => lang.pick("split evenly", "repartido en partes iguales"),
        Strategy::Fixed => lang.pick(
            "split by the agreed percentages",
            "repartido según los porcentajes acordados",
        ),
    };
    let explanation = format!(
        "{} {} {} {}. {} = {} + {} = {}, {how}: {split}. {}",
        lang.pick("Spend from", "Gasto del"),
        spend.first_date,
        lang.pick("to", "al"),
        spend.last_date,
        lang.pick(
            "Distributed cost = untagged + shared",
            "Costo distribuido = sin etiquetar + compartido",
        ),
        money(showback.untagged, currency, lang),
        money(showback.shared, currency, lang),
        money(showback.pool, currency, lang),
        lang.pick(
            "Amounts are added up exactly and rounded to cents only once, with the leftover cents going to the largest remainders: every column adds up to the cent, and the total is the sum of the line items.",
            "Los montos se suman con exactitud y se redondean a centavos una sola vez, y los centavos sobrantes van a los restos mayores: cada columna cuadra al centavo y el total es la suma de las partidas.",
        ),
    );

    // One row per team: its own cost, then its share of the pool, end to end — the lesson is
    // how much of each bill is the team's own and how much the spreading added.
    let part = |pick: fn(&(&String, i128, i128)) -> i128| -> Vec<(f64, f64)> {
        teams
            .iter()
            .enumerate()
            .map(|(i, row)| (i as f64, pick(row) as f64 / 100.0))
            .collect()
    };
    let series = vec![
        Series::new(
            lang.pick("Direct cost", "Costo directo"),
            part(|(_, direct, _)| *direct),
        ),
        Series::new(
            lang.pick(
                "Share of untagged + shared",
                "Parte de sin etiquetar + compartido",
            ),
            part(|(_, _, share)| *share),
        ),
    ];
    let categories = teams.iter().map(|(team, _, _)| (*team).clone()).collect();

    vec![
        Block::Table {
            caption: format!(
                "{} ({strategy_name}, {currency})",
                lang.pick("Showback by team", "Showback por equipo")
            ),
            columns: vec![
                lang.pick("Team", "Equipo").into(),
                lang.pick("Direct cost", "Costo directo").into(),
                lang.pick(
                    "Share of untagged + shared",
                    "Parte de sin etiquetar + compartido",
                )
                .into(),
                lang.pick("Total", "Total").into(),
                lang.pick("% of total", "% del total").into(),
            ],
            rows,
        },
        Block::Text { text: explanation },
        tagging_verdict(spend, showback, currency, lang),
        Block::Series {
            title: lang
                .pick(
                    "What each team pays: direct cost + its share",
                    "Lo que paga cada equipo: costo directo + su parte",
                )
                .into(),
            x_label: lang.pick("Team", "Equipo").into(),
            y_label: currency.to_string(),
            kind: "bar".into(),
            series,
            view: ChartView {
                categories,
                stacked: true,
                ..ChartView::default()
            },
        },
    ]
}

/// What was read from a FOCUS export, and which column is being allocated.
fn describe_focus(export: &Export, options: &ReadOptions, lang: Lang) -> String {
    let column = match options.metric {
        Metric::Effective => lang.pick(
            "EffectiveCost (amortized: what each team consumed, with commitment purchases spread over the usage they cover)",
            "EffectiveCost (amortizado: lo que consumió cada equipo, con las compras de compromisos repartidas sobre el uso que cubren)",
        ),
        Metric::Billed => lang.pick(
            "BilledCost (what the invoice charges, purchases included when they are billed)",
            "BilledCost (lo que cobra la factura, incluidas las compras cuando se facturan)",
        ),
    };
    format!(
        "{} {} {}; {} {column}; {} \"{}\" {}",
        lang.pick(
            "Read as a FOCUS export (the FinOps Foundation's open billing format):",
            "Se leyó como una exportación FOCUS (el formato abierto de facturación de la FinOps Foundation):",
        ),
        lang.number(export.items.len() as f64, 0),
        lang.pick("rows", "filas"),
        lang.pick("cost column", "columna de costo"),
        lang.pick("the team comes from the tag", "el equipo sale de la etiqueta"),
        options.tag_key,
        lang.pick(
            "in Tags (rows without it are untagged). Other columns are ignored.",
            "de Tags (las filas sin ella quedan sin etiquetar). Las demás columnas se ignoran.",
        ),
    )
}

/// FOCUS only: both cost columns by ChargeCategory, each rounded once like the showback.
fn category_table(items: &[LineItem], metric: Metric, currency: &str, lang: Lang) -> Block {
    let mut billed: BTreeMap<String, i128> = BTreeMap::new();
    let mut effective: BTreeMap<String, i128> = BTreeMap::new();
    for item in items {
        let category = item
            .category
            .clone()
            .unwrap_or_else(|| lang.pick("(none)", "(ninguna)").to_string());
        *billed.entry(category.clone()).or_default() += item.billed;
        *effective.entry(category).or_default() += item.effective;
    }
    let rounded = |sums: &BTreeMap<String, i128>| -> Vec<i128> {
        let entries: Vec<(String, i128)> = sums.iter().map(|(k, v)| (k.clone(), *v)).collect();
        round_apportion(round_to_cents(sums.values().sum()), &entries)
    };
    let (billed_cents, effective_cents) = (rounded(&billed), rounded(&effective));
    let mut rows: Vec<Vec<String>> = billed
        .keys()
        .zip(billed_cents.iter().zip(&effective_cents))
        .map(|(category, (b, e))| {
            vec![
                category.clone(),
                money(*b, currency, lang),
                money(*e, currency, lang),
            ]
        })
        .collect();
    rows.push(vec![
        lang.pick("Total", "Total").to_string(),
        money(billed_cents.iter().sum(), currency, lang),
        money(effective_cents.iter().sum(), currency, lang),
    ]);
    let allocated = match metric {
        Metric::Effective => "EffectiveCost",
        Metric::Billed => "BilledCost",
    };
    Block::Table {
        caption: format!(
            "{} {allocated})",
            lang.pick(
                "BilledCost and EffectiveCost by ChargeCategory (the showback above allocates",
                "BilledCost y EffectiveCost por ChargeCategory (el showback de arriba reparte",
            )
        ),
        columns: vec![
            "ChargeCategory".into(),
            "BilledCost".into(),
            "EffectiveCost".into(),
        ],
        rows,
    }
}

/// The tagging-health KPI: untagged spend over total spend (exact, not the rounded cents).
fn tagging_verdict(spend: &Spend, showback: &Showback, currency: &str, lang: Lang) -> Block {
    let total = spend.total();
    let share = if total == 0 {
        0.0
    } else {
        spend.untagged as f64 * 100.0 / total as f64
    };
    let shown = percent(spend.untagged, total, lang);
    let amount = money(showback.untagged, currency, lang);
    let (status, title, advice) = if share <= UNTAGGED_HEALTHY_PERCENT {
        (
            "pass",
            lang.pick("Tagging is healthy", "El etiquetado está sano"),
            lang.pick(
                "at or below the 5% that mature FinOps practices aim for.",
                "en o por debajo del 5 % al que apuntan las prácticas FinOps maduras.",
            ),
        )
    } else if share <= UNTAGGED_LIMIT_PERCENT {
        (
            "warn",
            lang.pick(
                "Tagging needs attention",
                "El etiquetado necesita atención",
            ),
            lang.pick(
                "within the usual first target of 10%, but above the 5% of a mature practice. Publish the most expensive untagged resources so their owners tag them.",
                "dentro de la primera meta habitual del 10 %, pero por encima del 5 % de una práctica madura. Publiquen los recursos sin etiquetar más caros para que sus dueños los etiqueten.",
            ),
        )
    } else {
        (
            "fail",
            lang.pick("Too much untagged spend", "Demasiado gasto sin etiquetar"),
            lang.pick(
                "above the 10% first target: the showback hides whose cost this is. Fix tagging before trusting the split.",
                "por encima de la primera meta del 10 %: el showback esconde de quién es este costo. Corrijan el etiquetado antes de confiar en el reparto.",
            ),
        )
    };
    Block::Verdict {
        status: status.into(),
        title: title.into(),
        detail: format!(
            "{} {shown} {} ({amount}): {advice}",
            lang.pick("Untagged spend is", "El gasto sin etiquetar es el"),
            lang.pick("of the total", "del total"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "date,service,cost,team
2026-10-01,compute,1200.00,pagos
2026-10-01,database,800.00,pagos
2026-10-02,compute,500.00,catalogo
2026-10-02,storage,300.00,catalogo
2026-10-03,analytics,900.00,datos
2026-10-03,storage,300.00,datos
2026-10-04,networking,500.00,
2026-10-05,support,1000.00,shared
";

    const CENT: i128 = UNITS_PER_CENT;

    fn options() -> ReadOptions {
        ReadOptions {
            metric: Metric::Effective,
            tag_key: "team".into(),
        }
    }

    fn spend(text: &str) -> Spend {
        Spend::from_items(&parse_line_items(text, &options(), Lang::En).unwrap().items)
    }

    fn weights(pairs: &[(&str, i128)]) -> BTreeMap<String, i128> {
        pairs.iter().map(|(t, w)| (t.to_string(), *w)).collect()
    }

    #[test]
    fn proportional_shares_follow_direct_cost() {
        let s = spend(SAMPLE);
        let showback = Showback::new(&s, &s.direct);
        assert_eq!(showback.pool, 150_000);
        // 2000 : 800 : 1200 is 50 % : 20 % : 30 % of 1500.
        assert_eq!(
            showback.shares,
            weights(&[("catalogo", 30_000), ("datos", 45_000), ("pagos", 75_000)])
        );
    }

    #[test]
    fn shares_sum_to_the_pool_to_the_cent() {
        // 100.00 split three ways cannot be exact: 33.34 + 33.33 + 33.33.
        let even = weights(&[("a", 1), ("b", 1), ("c", 1)]);
        let shares = largest_remainder(10_000, &even);
        assert_eq!(shares.values().sum::<i128>(), 10_000);
        // Equal remainders: the extra cent goes to the first name.
        assert_eq!(shares, weights(&[("a", 3_334), ("b", 3_333), ("c", 3_333)]));

        // Awkward weights and amounts still add up exactly, negative pools (credits) too.
        for amount in [1, 7, 99_999, 123_457, -5, -100_001] {
            let w = weights(&[("x", 333), ("y", 667), ("z", 1), ("w", 0)]);
            let shares = largest_remainder(amount, &w);
            assert_eq!(shares.values().sum::<i128>(), amount);
            assert_eq!(shares["w"], 0);
        }
    }

    #[test]
    fn largest_remainder_prefers_the_biggest_fraction() {
        // 0.10 split 1:2 → 3.33… and 6.66…: the cent goes to the larger remainder (y).
        let shares = largest_remainder(10, &weights(&[("x", 1), ("y", 2)]));
        assert_eq!(shares, weights(&[("x", 3), ("y", 7)]));
    }

    #[test]
    fn huge_weights_do_not_overflow() {
        // A pool of a trillion in cents times weights of 10²⁷ units is far beyond 128 bits.
        let big = 10i128.pow(27);
        let w = weights(&[("a", big), ("b", 2 * big), ("c", big / 3)]);
        let shares = largest_remainder(100_000_000_000_000, &w);
        assert_eq!(shares.values().sum::<i128>(), 100_000_000_000_000);
        assert_eq!(shares["b"], 2 * shares["a"]);
        assert_eq!(mul_div(7, 3, 2), (10, 1));
        assert_eq!(mul_div(-7, 3, 2), (-11, 1));
        assert_eq!(mul_div_unsigned(1 << 100, 1 << 100, 1 << 90), (1 << 110, 0));
        let e30 = 10u128.pow(30);
        assert_eq!(
            mul_div_unsigned(e30 + 1000, e30, 10u128.pow(33)),
            (10u128.pow(27) + 1, 0)
        );
        assert_eq!(
            mul_div_unsigned(e30 + 1, e30, 10u128.pow(33)),
            (10u128.pow(27), e30)
        );
        assert_eq!(mul_div_unsigned(u128::MAX, 5, u128::MAX >> 1), (10, 5));
    }

    #[test]
    fn sub_cent_amounts_are_rounded_once() {
        // The bug this pins: 100 line items of 0.005 plus 1.00 showed 2.00 (each 0.005 rounded
        // up on its own); the true total is 1.50.
        let mut csv = String::from("date,service,cost,team\n2026-10-01,compute,1.00,a\n");
        for i in 0..100 {
            csv.push_str(&format!("2026-10-01,queue,0.005,t{i:03}\n"));
        }
        let s = spend(&csv);
        let showback = Showback::new(&s, &s.direct);
        assert_eq!(showback.total, 150);
        assert_eq!(showback.direct.values().sum::<i128>(), 150);
        // Half of the hundred 0.005 teams show a cent, the other half nothing: 0.50 in all,
        // the cents going to the first names on equal remainders.
        assert_eq!(showback.direct["t000"], 1);
        assert_eq!(showback.direct["t099"], 0);
        assert_eq!(showback.direct["a"], 100);
    }

    #[test]
    fn every_column_adds_up_to_the_rounded_total() {
        let csv = "date,service,cost,team\n2026-10-01,a,1.004,x\n2026-10-01,b,2.004,y\n2026-10-01,c,0.333,z\n2026-10-01,d,0.335,\n2026-10-01,e,0.3349,shared\n";
        let s = spend(csv);
        for w in [s.direct.clone(), weights(&[("x", 1), ("y", 1), ("z", 1)])] {
            let sb = Showback::new(&s, &w);
            assert_eq!(sb.total, round_to_cents(s.total()));
            assert_eq!(sb.direct_total + sb.pool, sb.total);
            assert_eq!(sb.direct.values().sum::<i128>(), sb.direct_total);
            assert_eq!(sb.shares.values().sum::<i128>(), sb.pool);
            assert_eq!(sb.untagged + sb.shared, sb.pool);
        }
        assert_eq!(round_to_cents(CENT / 2), 1);
        assert_eq!(round_to_cents(CENT / 2 - 1), 0);
        assert_eq!(round_to_cents(-CENT / 2), -1);
    }

    #[test]
    fn fixed_split_is_validated() {
        let s = spend(SAMPLE);
        let ok = parse_fixed_split("pagos=60, catalogo=20, datos=20", &s, Lang::En).unwrap();
        assert_eq!(
            ok,
            weights(&[("catalogo", 2_000), ("datos", 2_000), ("pagos", 6_000)])
        );
        // Teams left out get nothing, as long as the rest adds up to 100.
        let ok = parse_fixed_split("pagos=100%", &s, Lang::En).unwrap();
        assert_eq!(ok["datos"], 0);
        let ok = parse_fixed_split("pagos=33.33, catalogo=33.33, datos=33.34", &s, Lang::En);
        assert_eq!(ok.unwrap()["datos"], 3_334);

        let error = |text| parse_fixed_split(text, &s, Lang::En).unwrap_err();
        assert!(
            error("pagos=60, catalogo=20, datos=30")
                .message
                .contains("110.00")
        );
        assert!(
            error("pagos=60, catalog=20, datos=20")
                .message
                .contains("\"catalog\"")
        );
        assert!(error("pagos=60, pagos=40").message.contains("twice"));
        assert!(error("pagos 100").message.contains("team=percentage"));
        assert!(error("pagos=-10, datos=110").message.contains("0 to 100"));
        assert!(
            error("pagos=50.005, datos=49.995")
                .message
                .contains("0 to 100")
        );
        assert_eq!(error("").field, "input.fixed_split");
    }

    #[test]
    fn amounts_are_parsed_exactly() {
        let unit = 10i128.pow(12);
        assert_eq!(parse_units("1200"), Some(1_200 * unit));
        assert_eq!(parse_units("0.0025"), Some(25 * unit / 10_000));
        assert_eq!(parse_units(".5"), Some(unit / 2));
        assert_eq!(parse_units("-1.25"), Some(-5 * unit / 4));
        assert_eq!(parse_units("0.000000000001"), Some(1));
        assert_eq!(
            parse_units("999999999999.999999999999"),
            Some(1_000_000_000_000 * unit - 1)
        );
        for bad in [
            "+1",
            "1,5",
            "1.1234567890123",
            "",
            "-",
            "1e3",
            "1 000",
            "--1",
            "1000000000000",
        ] {
            assert_eq!(parse_units(bad), None, "{bad}");
        }
        assert_eq!(money(-123_456_789, "USD", Lang::En), "-1,234,567.89 USD");
        assert_eq!(money(5, "COP", Lang::Es), "0,05 COP");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let read = |text: &str, lang| parse_line_items(text, &options(), lang).unwrap_err();
        let error = read(
            "date,service,cost,team\n2026-10-01,compute,12,a\n2026-10-02,x,abc,b\n",
            Lang::En,
        );
        assert_eq!(error.field, "input.line_items");
        assert!(error.message.starts_with("line 3:"), "{}", error.message);
        let error = read("date,service,cost,team\n2026-10-01,compute,12\n", Lang::Es);
        assert!(error.message.starts_with("línea 2:"), "{}", error.message);
        let error = read("fecha,costo\n", Lang::En);
        assert!(error.message.starts_with("line 1:"), "{}", error.message);
    }

    #[test]
    fn too_many_line_items_are_refused() {
        let mut csv = String::from("date,service,cost,team\n");
        for _ in 0..=MAX_ITEMS {
            csv.push_str("2026-10-01,a,1,x\n");
        }
        let error = parse_line_items(&csv, &options(), Lang::En).unwrap_err();
        assert!(error.message.contains("at most 10000"), "{}", error.message);
    }

    const FOCUS: &str = r#"BillingAccountId,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ServiceName,BilledCost,EffectiveCost,BillingCurrency,Tags
acct-1,Purchase,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,Virtual Machines,600.00,0,USD,
acct-1,Usage,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,Virtual Machines,0,400.00,USD,"{""team"": ""pagos"", ""env"": ""prod""}"
acct-1,Usage,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,Virtual Machines,0,200.00,USD,"{""team"": ""datos""}"
acct-1,Usage,2026-10-03T00:00:00Z,2026-10-04T00:00:00Z,Support,100.00,100.00,USD,"{""team"": ""shared""}"
acct-1,Credit,2026-10-04T00:00:00Z,2026-10-05T00:00:00Z,Support,-10.00,-10.00,USD,null
"#;

    #[test]
    fn a_focus_export_is_read_by_its_columns() {
        let export = parse_line_items(FOCUS, &options(), Lang::En).unwrap();
        assert_eq!(export.format, Format::Focus);
        assert_eq!(export.currency.as_deref(), Some("USD"));
        let s = Spend::from_items(&export.items);
        let unit = 10i128.pow(12);
        assert_eq!(
            s.direct,
            weights(&[("datos", 200 * unit), ("pagos", 400 * unit)])
        );
        assert_eq!(s.shared, 100 * unit);
        assert_eq!(s.untagged, -10 * unit);
        assert_eq!(s.first_date, "2026-10-01");
        // BilledCost puts the commitment's purchase in the untagged pool instead.
        let billed = ReadOptions {
            metric: Metric::Billed,
            tag_key: "team".into(),
        };
        let s = Spend::from_items(&parse_line_items(FOCUS, &billed, Lang::En).unwrap().items);
        assert_eq!(s.untagged, 590 * unit);
        assert_eq!(s.direct_total(), 0);
        // Another tag key names other owners.
        let env = ReadOptions {
            metric: Metric::Effective,
            tag_key: "env".into(),
        };
        let s = Spend::from_items(&parse_line_items(FOCUS, &env, Lang::En).unwrap().items);
        assert_eq!(s.direct.keys().collect::<Vec<_>>(), ["prod"]);
    }

    #[test]
    fn focus_errors_name_the_line_and_the_column() {
        let read = |text: &str| {
            parse_line_items(text, &options(), Lang::En)
                .unwrap_err()
                .message
        };
        assert!(
            read("BilledCost,ServiceName\n1,a\n")
                .contains("missing: ChargePeriodStart, EffectiveCost, Tags")
        );
        let header =
            "ChargePeriodStart,ServiceName,BilledCost,EffectiveCost,Tags,BillingCurrency\n";
        let bad_date = format!("{header}2026-10-01,a,1,1,,USD\n");
        assert!(read(&bad_date).starts_with("line 2: ChargePeriodStart"));
        let bad_tags = format!("{header}2026-10-01T00:00:00Z,a,1,1,team=pagos,USD\n");
        assert!(read(&bad_tags).contains("Tags must be a JSON object"));
        let two_currencies =
            format!("{header}2026-10-01T00:00:00Z,a,1,1,,USD\n2026-10-01T00:00:00Z,a,1,1,,EUR\n");
        assert!(
            read(&two_currencies)
                .starts_with("line 3: BillingCurrency EUR differs from USD on line 2")
        );
        let bad_cost = format!("{header}2026-10-01T00:00:00Z,a,$1,1,,USD\n");
        assert!(read(&bad_cost).starts_with("line 2: the cost \"$1\""));
    }

    #[test]
    fn the_untagged_kpi_uses_the_documented_thresholds() {
        let s = spend(SAMPLE);
        let showback = Showback::new(&s, &s.direct);
        let Block::Verdict { status, detail, .. } = tagging_verdict(&s, &showback, "USD", Lang::En)
        else {
            panic!("expected a verdict")
        };
        // 500 of 5,500 is 9.1 %: inside the 10 % first target, above the 5 % mature one.
        assert_eq!(status, "warn");
        assert!(detail.contains("9.1%"), "{detail}");
    }
}
