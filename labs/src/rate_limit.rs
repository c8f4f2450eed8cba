//! The `rate-limit` lab: five rate-limiting algorithms replayed on one request timeline, plus the
//! progressive throttling that an anomaly score and a trust level add on top.
//!
//! This module owns the timelines (the presets and the parser for hand-written timestamps), the
//! five algorithms, the "worst window" measure and the throttling policy. It knows nothing about
//! processes or aula: [`run`] turns a [`Request`] into [`Block`]s.
//!
//! Time is kept in whole milliseconds so that every decision is exact: a request at 60.2 s and a
//! window of 60 s never meet floating-point rounding. The algorithms, for a limit `L` per window
//! `W`:
//!
//! - **Fixed window, aligned to the clock**: windows `[0, W)`, `[W, 2W)`…; at most `L` accepted
//!   requests per window. Hammer's `fix_window` (Elixir) and async-limiter's `FixedWindow` (Ruby)
//!   align to the clock this way, and the boundary-burst lesson is about this definition.
//! - **Fixed window, from the first request**: the first request opens a window `[t, t + W)`, and
//!   the first request at or after its end opens the next one; at most `L` accepted per window.
//!   This is Python `limits`' `FixedWindowRateLimiter` (the counter's expiry is set by the first
//!   hit) and express-rate-limit's memory store (a client's reset time is its first hit plus the
//!   window). Its boundary moves with the traffic, so the boundary burst at `W` does not pass it,
//!   but a burst at the end of its own window and another right after still do.
//! - **Sliding log** (`limits` calls it a moving window): a request at `t` is accepted when fewer
//!   than `L` accepted requests lie in `[t − W, t]`. Like `limits`, a request exactly `W` old still
//!   counts.
//! - **Sliding-window counter**: only the counts of the current and the previous clock-aligned
//!   window are kept; the estimate is `previous × (overlap of [t − W, t] with the previous
//!   window) / W + current`, and a request is accepted when the whole part of the estimate is
//!   below `L` — the rule of `limits`' `SlidingWindowCounterRateLimiter`.
//! - **Token bucket**: capacity `L` tokens, refilled at `L / W` tokens per second, full at the
//!   start; a request takes one whole token.
//!
//! Only accepted requests are counted by any algorithm: a blocked request costs nothing.
//!
//! Progressive throttling maps the anomaly score (0–100) to a level with thresholds that depend on
//! trust (see [`THRESHOLDS`]): level 1 cuts the rate by 25 % and turns on enhanced logging, level 2
//! by 50 % and notifies a supervisor, level 3 by 75 % and requires manual approval, level 4 leaves
//! only a trickle (1 % of the limit, at least one request per window) and starts the emergency
//! response. The algorithms then enforce the reduced, *effective* limit.

use std::collections::{BTreeMap, VecDeque};

use crate::protocol::{
    Annotation, Axis, Block, ChartView, Fields, InputError, Lang, Request, Scale, Series, Style,
};

/// The most timestamps the `custom` preset accepts.
const MAX_TIMESTAMPS: usize = 5000;
/// Timestamps beyond this (about 11.5 days) are refused, to keep timelines small.
const MAX_SECONDS: f64 = 1_000_000.0;
/// How many agents the `coordinated` preset simulates.
const AGENTS: u32 = 50;
/// Charts with more distinct instants than this are sampled on a grid, to keep the answer small.
const MAX_CHART_STEPS: usize = 150;

/// Anomaly-score thresholds for levels 1–4, per trust level (`low`, `medium`, `high`): a score at
/// or above the n-th threshold reaches level n + 1. High trust gets higher thresholds, i.e. more
/// lenient treatment; low trust is throttled for smaller anomalies.
pub const THRESHOLDS: [(&str, [f64; 4]); 3] = [
    ("low", [10.0, 25.0, 45.0, 65.0]),
    ("medium", [20.0, 40.0, 60.0, 80.0]),
    ("high", [30.0, 55.0, 75.0, 90.0]),
];

/// The five algorithms, in the order the output lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    FixedWindow,
    FirstRequestWindow,
    SlidingLog,
    SlidingCounter,
    TokenBucket,
}

impl Algorithm {
    pub const ALL: [Algorithm; 5] = [
        Algorithm::FixedWindow,
        Algorithm::FirstRequestWindow,
        Algorithm::SlidingLog,
        Algorithm::SlidingCounter,
        Algorithm::TokenBucket,
    ];

    fn name(self, lang: Lang) -> &'static str {
        match self {
            Algorithm::FixedWindow => lang.pick(
                "Fixed window (clock-aligned)",
                "Ventana fija (alineada al reloj)",
            ),
            Algorithm::FirstRequestWindow => lang.pick(
                "Fixed window (from first request)",
                "Ventana fija (desde la primera solicitud)",
            ),
            Algorithm::SlidingLog => lang.pick("Sliding log", "Registro deslizante"),
            Algorithm::SlidingCounter => {
                lang.pick("Sliding-window counter", "Contador de ventana deslizante")
            }
            Algorithm::TokenBucket => lang.pick("Token bucket", "Cubeta de tokens"),
        }
    }
}

/// A limit of `limit` requests per `window_ms` milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub limit: u64,
    pub window_ms: i64,
}

/// Replays one key's requests (times in ms, sorted) through `algorithm`; `true` means accepted.
pub fn simulate(algorithm: Algorithm, times: &[i64], limit: Limit) -> Vec<bool> {
    match algorithm {
        Algorithm::FixedWindow => fixed_window(times, limit),
        Algorithm::FirstRequestWindow => first_request_window(times, limit),
        Algorithm::SlidingLog => sliding_log(times, limit),
        Algorithm::SlidingCounter => sliding_counter(times, limit),
        Algorithm::TokenBucket => token_bucket(times, limit),
    }
}

fn fixed_window(times: &[i64], limit: Limit) -> Vec<bool> {
    let mut current = (i64::MIN, 0u64);
    times
        .iter()
        .map(|&t| {
            let index = t.div_euclid(limit.window_ms);
            if current.0 != index {
                current = (index, 0);
            }
            let accept = current.1 < limit.limit;
            if accept {
                current.1 += 1;
            }
            accept
        })
        .collect()
}

fn first_request_window(times: &[i64], limit: Limit) -> Vec<bool> {
    // (start, accepted) of the open window; a request at or after start + W opens the next one,
    // as `limits`' counter expires when its expiry time is reached.
    let mut window: Option<(i64, u64)> = None;
    times
        .iter()
        .map(|&t| {
            let (start, count) = match window {
                Some((start, count)) if t < start + limit.window_ms => (start, count),
                _ => (t, 0),
            };
            let accept = count < limit.limit;
            window = Some((start, count + u64::from(accept)));
            accept
        })
        .collect()
}

fn sliding_log(times: &[i64], limit: Limit) -> Vec<bool> {
    let mut log: VecDeque<i64> = VecDeque::new();
    times
        .iter()
        .map(|&t| {
            // Entries exactly one window old still count, as in `limits`' moving window.
            while log.front().is_some_and(|&old| old < t - limit.window_ms) {
                log.pop_front();
            }
            let accept = (log.len() as u64) < limit.limit;
            if accept {
                log.push_back(t);
            }
            accept
        })
        .collect()
}

fn sliding_counter(times: &[i64], limit: Limit) -> Vec<bool> {
    let window = i128::from(limit.window_ms);
    // Times are sorted, so only the current clock-aligned window and the one before matter.
    let mut index = i64::MIN;
    let (mut previous, mut current) = (0i128, 0i128);
    times
        .iter()
        .map(|&t| {
            let now = t.div_euclid(limit.window_ms);
            if now != index {
                previous = if now == index.saturating_add(1) {
                    current
                } else {
                    0
                };
                current = 0;
                index = now;
            }
            let into = i128::from(t.rem_euclid(limit.window_ms));
            // floor(previous × (W − into) / W + current), in integers so that ties are exact.
            let estimate = (previous * (window - into) + current * window) / window;
            let accept = estimate < i128::from(limit.limit);
            if accept {
                current += 1;
            }
            accept
        })
        .collect()
}

fn token_bucket(times: &[i64], limit: Limit) -> Vec<bool> {
    // One token is `window_ms` units; the bucket refills `limit` units per millisecond, i.e.
    // `limit` tokens per window, with no rounding anywhere.
    let token = u128::try_from(limit.window_ms).unwrap_or(1);
    let capacity = u128::from(limit.limit) * token;
    let mut units = capacity;
    let mut last: Option<i64> = None;
    times
        .iter()
        .map(|&t| {
            let elapsed = last.map_or(0, |previous| (t - previous).max(0));
            let refill = u128::try_from(elapsed).unwrap_or(0) * u128::from(limit.limit);
            units = (units + refill).min(capacity);
            last = Some(t);
            let accept = units >= token;
            if accept {
                units -= token;
            }
            accept
        })
        .collect()
}

/// The most accepted requests in any span `[s, s + window)` (times sorted): what a client
/// actually got through in one window's worth of time, wherever that window is placed.
pub fn worst_window(accepted: &[i64], window_ms: i64) -> usize {
    let mut best = 0;
    let mut end = 0;
    for (start, &t) in accepted.iter().enumerate() {
        while end < accepted.len() && accepted[end] < t + window_ms {
            end += 1;
        }
        best = best.max(end - start);
    }
    best
}

/// A throttling level and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub level: usize,
    pub effective_limit: u64,
}

/// The throttling level for an anomaly score under a trust level, and the limit it leaves.
pub fn throttle(score: f64, trust: &str, limit: u64) -> Throttle {
    let thresholds = THRESHOLDS
        .iter()
        .find(|(name, _)| *name == trust)
        .map_or([20.0, 40.0, 60.0, 80.0], |(_, t)| *t);
    let level = thresholds.iter().filter(|&&t| score >= t).count();
    let effective_limit = match level {
        0 => limit,
        1 => limit * 3 / 4,
        2 => limit / 2,
        3 => limit / 4,
        _ => limit / 100,
    }
    .max(1);
    Throttle {
        level,
        effective_limit,
    }
}

fn level_reduction(level: usize, lang: Lang) -> String {
    match level {
        0 => "0 %".to_string(),
        1 => "25 %".to_string(),
        2 => "50 %".to_string(),
        3 => "75 %".to_string(),
        _ => lang
            .pick("≈100 % (near-complete)", "≈100 % (casi total)")
            .to_string(),
    }
}

fn level_response(level: usize, lang: Lang) -> &'static str {
    match level {
        0 => lang.pick("none", "ninguna"),
        1 => lang.pick("enhanced logging", "registro detallado"),
        2 => lang.pick("supervisor notified", "se notifica al supervisor"),
        3 => lang.pick("manual approval required", "se requiere aprobación manual"),
        _ => lang.pick("emergency response", "respuesta de emergencia"),
    }
}

/// One request of a timeline: when it arrives and which agent sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    at_ms: i64,
    agent: u32,
}

/// The validated input.
struct Scenario {
    preset: String,
    hits: Vec<Hit>,
    base: Limit,
    score: f64,
    trust: String,
}

fn read_scenario(request: &Request) -> Result<Scenario, InputError> {
    let fields = Fields::new(request);
    let lang = request.lang;
    let preset = fields.choice(
        "preset",
        "boundary-burst",
        &["boundary-burst", "steady", "coordinated", "custom"],
    )?;
    let limit = fields.number("limit", 100.0, 1.0, 1_000.0)?;
    if limit.fract() != 0.0 {
        return Err(InputError::new(
            "input.limit",
            lang.pick("must be a whole number", "debe ser un número entero"),
        ));
    }
    let window = fields.number("window", 60.0, 1.0, 86_400.0)?;
    let score = fields.number("anomaly_score", 0.0, 0.0, 100.0)?;
    let trust = fields.choice("trust", "medium", &["low", "medium", "high"])?;
    let base = Limit {
        limit: limit as u64,
        window_ms: (window * 1000.0).round() as i64,
    };
    let hits = match preset.as_str() {
        "boundary-burst" => boundary_burst(base),
        "steady" => steady(base),
        "coordinated" => coordinated(base),
        _ => parse_timestamps(&fields.string("timestamps", "")?, lang)?,
    };
    Ok(Scenario {
        preset,
        hits,
        base,
        score,
        trust,
    })
}

/// `limit` requests 0.2 s before the end of the first window and `limit` 0.2 s after it.
fn boundary_burst(base: Limit) -> Vec<Hit> {
    let count = base.limit as usize;
    let before = Hit {
        at_ms: base.window_ms - 200,
        agent: 0,
    };
    let after = Hit {
        at_ms: base.window_ms + 200,
        agent: 0,
    };
    let mut hits = vec![before; count];
    hits.extend(std::iter::repeat_n(after, count));
    hits
}

/// 80 % of the limit per window, evenly spaced, for three windows.
fn steady(base: Limit) -> Vec<Hit> {
    let per_window = (base.limit * 4 / 5).max(1);
    let interval = (base.window_ms / per_window as i64).max(1);
    (0..3 * per_window as i64)
        .map(|k| Hit {
            at_ms: k * interval,
            agent: 0,
        })
        .collect()
}

/// [`AGENTS`] agents, each sending 80 % of the limit per window for two windows, staggered.
fn coordinated(base: Limit) -> Vec<Hit> {
    let per_window = (base.limit * 4 / 5).max(1);
    let interval = (base.window_ms / per_window as i64).max(1);
    let mut hits: Vec<Hit> = (0..AGENTS)
        .flat_map(|agent| {
            let offset = i64::from(agent) * interval / i64::from(AGENTS);
            (0..2 * per_window as i64).map(move |k| Hit {
                at_ms: offset + k * interval,
                agent,
            })
        })
        .collect();
    hits.sort_by_key(|hit| (hit.at_ms, hit.agent));
    hits
}

fn parse_timestamps(text: &str, lang: Lang) -> Result<Vec<Hit>, InputError> {
    let field = "input.timestamps";
    let mut hits = Vec::new();
    for token in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        let seconds: f64 = token.parse().map_err(|_| {
            InputError::new(
                field,
                format!(
                    "{} \"{token}\"",
                    lang.pick("not a number of seconds:", "no es un número de segundos:")
                ),
            )
        })?;
        if !seconds.is_finite() || !(0.0..=MAX_SECONDS).contains(&seconds) {
            return Err(InputError::new(
                field,
                format!(
                    "{} {}",
                    lang.pick(
                        "every timestamp must be between 0 and",
                        "cada instante debe estar entre 0 y"
                    ),
                    lang.number(MAX_SECONDS, 0)
                ),
            ));
        }
        if hits.len() == MAX_TIMESTAMPS {
            return Err(InputError::new(
                field,
                format!(
                    "{} {}",
                    lang.pick("at most", "como máximo"),
                    lang.number(MAX_TIMESTAMPS as f64, 0)
                ),
            ));
        }
        hits.push(Hit {
            at_ms: (seconds * 1000.0).round() as i64,
            agent: 0,
        });
    }
    if hits.is_empty() {
        return Err(InputError::new(
            field,
            lang.pick(
                "the custom preset needs at least one timestamp (seconds, separated by commas or spaces)",
                "el escenario personalizado necesita al menos un instante (segundos separados por comas o espacios)",
            ),
        ));
    }
    hits.sort_by_key(|hit| hit.at_ms);
    Ok(hits)
}

/// How one algorithm fared under one enforcement scope.
struct Outcome {
    algorithm: Algorithm,
    accepted_times: Vec<i64>,
    blocked: usize,
    worst: usize,
}

/// Runs `algorithm` with one counter per agent (`per_agent`) or one shared counter.
fn enforce(algorithm: Algorithm, hits: &[Hit], limit: Limit, per_agent: bool) -> Outcome {
    // One pass to split the timeline by key; each key keeps its requests in time order.
    let mut by_key: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for hit in hits {
        let key = if per_agent { hit.agent } else { 0 };
        by_key.entry(key).or_default().push(hit.at_ms);
    }
    let mut accepted_times = Vec::new();
    for times in by_key.values() {
        let decisions = simulate(algorithm, times, limit);
        accepted_times.extend(
            times
                .iter()
                .zip(decisions)
                .filter(|(_, ok)| *ok)
                .map(|(t, _)| *t),
        );
    }
    if by_key.len() > 1 {
        accepted_times.sort_unstable();
    }
    let worst = worst_window(&accepted_times, limit.window_ms);
    Outcome {
        algorithm,
        blocked: hits.len() - accepted_times.len(),
        accepted_times,
        worst,
    }
}

/// The outcome of one algorithm, if it ran.
fn find(outcomes: &[Outcome], algorithm: Algorithm) -> Option<&Outcome> {
    outcomes.iter().find(|o| o.algorithm == algorithm)
}

/// Seconds with as many decimals as the milliseconds need.
fn seconds(lang: Lang, ms: i64) -> String {
    let digits = if ms % 1000 == 0 {
        0
    } else if ms % 100 == 0 {
        1
    } else if ms % 10 == 0 {
        2
    } else {
        3
    };
    lang.number(ms as f64 / 1000.0, digits)
}

/// "1 request per 60 s", "25 requests per 60 s".
fn per_window(lang: Lang, limit: u64, window_ms: i64) -> String {
    let noun = if limit == 1 {
        lang.pick("request per", "solicitud cada")
    } else {
        lang.pick("requests per", "solicitudes cada")
    };
    format!(
        "{} {noun} {} s",
        count(lang, limit as usize),
        seconds(lang, window_ms)
    )
}

fn count(lang: Lang, n: usize) -> String {
    lang.number(n as f64, 0)
}

/// The lab's entry point.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let scenario = read_scenario(request)?;
    let lang = request.lang;
    let throttle = throttle(scenario.score, &scenario.trust, scenario.base.limit);
    let limit = Limit {
        limit: throttle.effective_limit,
        window_ms: scenario.base.window_ms,
    };
    let coordinated = scenario.preset == "coordinated";

    let mut blocks = vec![Block::Text {
        text: describe_scenario(&scenario, lang),
    }];
    blocks.push(throttle_table(&scenario, throttle, lang));
    blocks.push(Block::Text {
        text: describe_throttle(&scenario, throttle, lang),
    });

    let shared: Vec<Outcome> = Algorithm::ALL
        .iter()
        .map(|&a| enforce(a, &scenario.hits, limit, false))
        .collect();
    let per_agent: Vec<Outcome> = if coordinated {
        Algorithm::ALL
            .iter()
            .map(|&a| enforce(a, &scenario.hits, limit, true))
            .collect()
    } else {
        Vec::new()
    };
    let window_text = seconds(lang, limit.window_ms);
    if coordinated {
        blocks.push(outcome_table(
            lang.pick(
                "Per-agent enforcement: each of the 50 agents has its own counter",
                "Control por agente: cada uno de los 50 agentes tiene su propio contador",
            ),
            &per_agent,
            &window_text,
            lang,
        ));
        blocks.push(outcome_table(
            lang.pick(
                "Aggregate enforcement: one counter shared by the whole fleet",
                "Control agregado: un solo contador compartido por toda la flota",
            ),
            &shared,
            &window_text,
            lang,
        ));
    } else {
        blocks.push(outcome_table(
            lang.pick("Decisions per algorithm", "Decisiones por algoritmo"),
            &shared,
            &window_text,
            lang,
        ));
    }
    blocks.push(chart(
        &scenario,
        limit,
        &shared,
        find(&per_agent, Algorithm::SlidingLog),
        lang,
    ));
    blocks.push(verdict(&scenario, throttle, &shared, &per_agent, lang));
    Ok(blocks)
}

fn describe_scenario(scenario: &Scenario, lang: Lang) -> String {
    let base = scenario.base;
    let total = count(lang, scenario.hits.len());
    let timeline = match scenario.preset.as_str() {
        "boundary-burst" => format!(
            "{} {} {} {} s {} {} {} {} s",
            lang.pick("Boundary burst:", "Ráfaga en el borde:"),
            count(lang, base.limit as usize),
            lang.pick("requests at", "solicitudes en"),
            seconds(lang, base.window_ms - 200),
            lang.pick("and", "y"),
            count(lang, base.limit as usize),
            lang.pick("at", "en"),
            seconds(lang, base.window_ms + 200),
        ),
        "steady" => format!(
            "{} {total} {}",
            lang.pick("Steady traffic:", "Tráfico constante:"),
            lang.pick(
                "requests evenly spaced over three windows, 80 % of the limit per window",
                "solicitudes espaciadas de forma pareja durante tres ventanas, el 80 % del límite por ventana",
            ),
        ),
        "coordinated" => format!(
            "{} {total} {}",
            lang.pick(
                "Coordinated agents: 50 agents, each sending 80 % of the limit per window for two windows —",
                "Agentes coordinados: 50 agentes, cada uno envía el 80 % del límite por ventana durante dos ventanas —",
            ),
            lang.pick("requests in total", "solicitudes en total"),
        ),
        _ => format!(
            "{} {total} {}",
            lang.pick("Custom timeline:", "Línea de tiempo personalizada:"),
            lang.pick("requests", "solicitudes"),
        ),
    };
    format!(
        "{timeline}. {} {}. {}",
        lang.pick("Limit:", "Límite:"),
        per_window(lang, base.limit, base.window_ms),
        lang.pick(
            "Two fixed windows are shown: one aligned to the clock ([0, W), [W, 2W)…, as in Hammer's fix_window or async-limiter), and one opened by the first request and again by the first request after it ends (as in Python's limits or express-rate-limit).",
            "Se muestran dos ventanas fijas: una alineada al reloj ([0, W), [W, 2W)…, como fix_window de Hammer o async-limiter) y otra que abre la primera solicitud, y de nuevo la primera solicitud después de que termina (como limits de Python o express-rate-limit).",
        ),
    )
}

fn throttle_table(scenario: &Scenario, throttle: Throttle, lang: Lang) -> Block {
    let rows = (0..=4)
        .map(|level| {
            let mut row = vec![
                if level == throttle.level {
                    format!("{level} ◀")
                } else {
                    level.to_string()
                },
                level_reduction(level, lang),
                level_response(level, lang).to_string(),
            ];
            for (_, thresholds) in THRESHOLDS {
                row.push(if level == 0 {
                    format!("< {}", lang.number(thresholds[0], 0))
                } else {
                    format!("≥ {}", lang.number(thresholds[level - 1], 0))
                });
            }
            row
        })
        .collect();
    Block::Table {
        caption: format!(
            "{} {} {} {})",
            lang.pick(
                "Progressive throttling: levels by anomaly score and trust (current: score",
                "Limitación progresiva: niveles según la puntuación de anomalía y la confianza (actual: puntuación",
            ),
            lang.number(scenario.score, 0),
            lang.pick("with trust", "con confianza"),
            trust_name(&scenario.trust, lang),
        ),
        columns: vec![
            lang.pick("Level", "Nivel").to_string(),
            lang.pick("Rate reduction", "Reducción de la tasa").to_string(),
            lang.pick("Response", "Respuesta").to_string(),
            lang.pick("Low trust: score", "Confianza baja: puntuación")
                .to_string(),
            lang.pick("Medium trust: score", "Confianza media: puntuación")
                .to_string(),
            lang.pick("High trust: score", "Confianza alta: puntuación")
                .to_string(),
        ],
        rows,
    }
}

fn trust_name(trust: &str, lang: Lang) -> &'static str {
    match trust {
        "low" => lang.pick("low", "baja"),
        "high" => lang.pick("high", "alta"),
        _ => lang.pick("medium", "media"),
    }
}

fn describe_throttle(scenario: &Scenario, throttle: Throttle, lang: Lang) -> String {
    format!(
        "{} {} ({} {}, {}: {}). {} {}{}",
        lang.pick("Throttling level", "Nivel de limitación"),
        throttle.level,
        lang.pick("rate reduction", "reducción de la tasa"),
        level_reduction(throttle.level, lang),
        lang.pick("response", "respuesta"),
        level_response(throttle.level, lang),
        lang.pick(
            "Effective limit enforced by every algorithm below:",
            "Límite efectivo que aplican todos los algoritmos de abajo:",
        ),
        per_window(lang, throttle.effective_limit, scenario.base.window_ms),
        if throttle.effective_limit < scenario.base.limit {
            format!(
                " {} {}).",
                lang.pick("(instead of", "(en lugar de"),
                count(lang, scenario.base.limit as usize)
            )
        } else {
            ".".to_string()
        },
    )
}

fn outcome_table(caption: &str, outcomes: &[Outcome], window: &str, lang: Lang) -> Block {
    Block::Table {
        caption: caption.to_string(),
        columns: vec![
            lang.pick("Algorithm", "Algoritmo").to_string(),
            lang.pick("Accepted", "Aceptadas").to_string(),
            lang.pick("Blocked", "Bloqueadas").to_string(),
            format!(
                "{} {window} s",
                lang.pick(
                    "Worst window: most accepted in any",
                    "Peor ventana: máximo de aceptadas en cualquier lapso de"
                )
            ),
        ],
        rows: outcomes
            .iter()
            .map(|o| {
                vec![
                    o.algorithm.name(lang).to_string(),
                    count(lang, o.accepted_times.len()),
                    count(lang, o.blocked),
                    count(lang, o.worst),
                ]
            })
            .collect(),
    }
}

/// The instants at which the chart samples cumulative counts: every distinct request time as a
/// step (value just before and just after), or an even grid when there are too many.
fn chart_points(all: &[i64], accepted: &[i64]) -> Vec<(f64, f64)> {
    let below = |t: i64| accepted.partition_point(|&a| a < t) as f64;
    let upto = |t: i64| accepted.partition_point(|&a| a <= t) as f64;
    let mut distinct = all.to_vec();
    distinct.dedup();
    let mut points = vec![(0.0, 0.0)];
    if distinct.len() <= MAX_CHART_STEPS {
        for t in distinct {
            let x = t as f64 / 1000.0;
            points.push((x, below(t)));
            points.push((x, upto(t)));
        }
    } else {
        let last = distinct.last().copied().unwrap_or(0);
        for step in 1..=MAX_CHART_STEPS as i64 {
            let t = last * step / MAX_CHART_STEPS as i64;
            points.push((t as f64 / 1000.0, upto(t)));
        }
    }
    points.dedup();
    points
}

/// The cumulative chart, with a view that shows the lesson: a burst gets the x axis to itself
/// (with the window edge and the limit marked), a fleet's thousands of requests get a log scale
/// so the limits near 100 stay visible, and the algorithm that lets the most through in one
/// window is drawn strong while the requests sent step back.
fn chart(
    scenario: &Scenario,
    limit: Limit,
    shared: &[Outcome],
    per_agent_log: Option<&Outcome>,
    lang: Lang,
) -> Block {
    let all: Vec<i64> = scenario.hits.iter().map(|hit| hit.at_ms).collect();
    let mut series = vec![
        Series::new(
            lang.pick("Requests sent", "Solicitudes enviadas"),
            chart_points(&all, &all),
        )
        .styled(Style::Muted),
    ];
    // The one that lets the most through in a single window, if that is more than the limit.
    let worst = shared
        .iter()
        .chain(per_agent_log)
        .map(|o| o.worst)
        .max()
        .filter(|&w| w as u64 > limit.limit);
    let mut strong_given = false;
    let mut strong = |o: &Outcome| {
        let is = !strong_given && Some(o.worst) == worst;
        strong_given |= is;
        is
    };
    for outcome in shared {
        let line = Series::new(
            outcome.algorithm.name(lang),
            chart_points(&all, &outcome.accepted_times),
        );
        series.push(if strong(outcome) {
            line.styled(Style::Strong)
        } else {
            line
        });
    }
    if let Some(outcome) = per_agent_log {
        let line = Series::new(
            lang.pick("Sliding log, per agent", "Registro deslizante, por agente"),
            chart_points(&all, &outcome.accepted_times),
        );
        series.push(if strong(outcome) {
            line.styled(Style::Strong)
        } else {
            line
        });
    }
    Block::Series {
        title: lang
            .pick(
                "Cumulative accepted requests over time",
                "Solicitudes aceptadas acumuladas en el tiempo",
            )
            .to_string(),
        x_label: lang.pick("time (s)", "tiempo (s)").to_string(),
        y_label: lang
            .pick("accepted requests", "solicitudes aceptadas")
            .to_string(),
        kind: "line".to_string(),
        series,
        view: chart_view(&all, limit, scenario.preset == "coordinated", lang),
    }
}

/// Where the chart looks: see [`chart`].
fn chart_view(all: &[i64], limit: Limit, fleet: bool, lang: Lang) -> ChartView {
    let mut view = ChartView::default();
    let (Some(&first), Some(&last)) = (all.first(), all.last()) else {
        return view;
    };
    let window = limit.window_ms;
    let span = last - first;
    let (from, to) = if span < window / 4 {
        // A burst: show it with room around it, and say how short it is.
        let pad = (span.max(200) * 3 / 2).min(window / 2).max(1);
        view.x_range = Some([(first - pad) as f64 / 1000.0, (last + pad) as f64 / 1000.0]);
        if span > 0 {
            view.annotations.push(Annotation::Band {
                axis: Axis::X,
                from: first as f64 / 1000.0,
                to: last as f64 / 1000.0,
                label: format!("{} s", seconds(lang, span)),
            });
        }
        view.annotations.push(Annotation::Marker {
            axis: Axis::Y,
            at: limit.limit as f64,
            label: format!(
                "{}: {}",
                lang.pick("limit", "límite"),
                per_window(lang, limit.limit, window)
            ),
        });
        (first - pad, last + pad)
    } else {
        (0, last)
    };
    // The window edges (clock-aligned) the view shows, when there are few enough to read.
    let edges: Vec<i64> = (1..)
        .map(|k| k * window)
        .take_while(|&edge| edge <= to)
        .filter(|&edge| edge >= from)
        .take(5)
        .collect();
    if edges.len() <= 4 {
        for edge in edges {
            view.annotations.push(Annotation::Marker {
                axis: Axis::X,
                at: edge as f64 / 1000.0,
                label: format!(
                    "{} {} s",
                    lang.pick("window edge", "borde de ventana"),
                    seconds(lang, edge)
                ),
            });
        }
    }
    if fleet {
        view.scale = Scale::Log;
        view.y_range = Some([1.0, (all.len() as f64 * 2.0).max(10.0)]);
    }
    view
}

fn verdict(
    scenario: &Scenario,
    throttle: Throttle,
    shared: &[Outcome],
    per_agent: &[Outcome],
    lang: Lang,
) -> Block {
    let limit = throttle.effective_limit as usize;
    let window = seconds(lang, scenario.base.window_ms);
    let over = |o: &&Outcome| o.worst > limit;
    let mut notes = Vec::new();

    // The sliding log is the reference: it is exact about the window.
    let per_agent_leak = find(per_agent, Algorithm::SlidingLog).filter(over);
    if let Some(outcome) = per_agent_leak {
        notes.push(format!(
            "{} {} {} {} {} {window} s, {} {}. {}",
            lang.pick(
                "Every agent stays under its own limit, so the per-agent sliding log accepts",
                "Cada agente se mantiene bajo su propio límite, así que el registro deslizante por agente acepta",
            ),
            count(lang, outcome.accepted_times.len()),
            lang.pick("requests, up to", "solicitudes, hasta"),
            count(lang, outcome.worst),
            lang.pick("within one span of", "en un solo lapso de"),
            lang.pick("against a limit of", "frente a un límite de"),
            count(lang, limit),
            lang.pick(
                "Only a counter shared by the whole fleet holds the aggregate to the limit.",
                "Solo un contador compartido por toda la flota mantiene el agregado dentro del límite.",
            ),
        ));
    }
    let log_worst = find(shared, Algorithm::SlidingLog).map_or(0, |o| o.worst);
    let fixed_leak = find(shared, Algorithm::FixedWindow).filter(over);
    if let Some(fixed) = fixed_leak {
        notes.push(format!(
            "{} {} {} {window} s ({} {}); {} {}.",
            lang.pick(
                "The clock-aligned fixed window let",
                "La ventana fija alineada al reloj dejó pasar",
            ),
            count(lang, fixed.worst),
            lang.pick("requests through within", "solicitudes en"),
            lang.pick("limit", "límite"),
            count(lang, limit),
            lang.pick(
                "the sliding log never admitted more than",
                "el registro deslizante nunca admitió más de",
            ),
            count(lang, log_worst),
        ));
    }
    let first_request = find(shared, Algorithm::FirstRequestWindow);
    let first_request_leak = first_request.filter(over);
    if let Some(first) = first_request_leak {
        notes.push(format!(
            "{} {} {} {window} s: {}",
            lang.pick(
                "The fixed window opened by the first request let",
                "La ventana fija que abre la primera solicitud dejó pasar",
            ),
            count(lang, first.worst),
            lang.pick("requests through within", "solicitudes en"),
            lang.pick(
                "its boundary moves with the traffic, but a burst at the end of one window and another at the start of the next still pass.",
                "su borde se mueve con el tráfico, pero una ráfaga al final de una ventana y otra al comienzo de la siguiente igual pasan.",
            ),
        ));
    } else if let (Some(_), Some(first)) = (fixed_leak, first_request) {
        notes.push(format!(
            "{} {} {}",
            lang.pick(
                "The fixed window opened by the first request (Python's limits, express-rate-limit) held this burst to",
                "La ventana fija que abre la primera solicitud (limits de Python, express-rate-limit) contuvo esta ráfaga en",
            ),
            count(lang, first.worst),
            lang.pick(
                "requests: its window started with the first request, not at the clock's boundary — the same two bursts placed around its own boundary would pass.",
                "solicitudes: su ventana empezó con la primera solicitud y no en el borde del reloj; las mismas dos ráfagas ubicadas alrededor de su propio borde pasarían.",
            ),
        ));
    }
    let counter_leak = find(shared, Algorithm::SlidingCounter).filter(over);
    if let Some(counter) = counter_leak {
        notes.push(format!(
            "{} {}.",
            lang.pick(
                "The sliding-window counter is an estimate: its worst span reached",
                "El contador de ventana deslizante es una estimación: su peor lapso llegó a",
            ),
            count(lang, counter.worst),
        ));
    }
    let bucket_leak = find(shared, Algorithm::TokenBucket).filter(over);
    if let Some(bucket) = bucket_leak {
        notes.push(format!(
            "{} {}.",
            lang.pick(
                "The token bucket allows a full bucket plus its refill within one window:",
                "La cubeta de tokens permite una cubeta llena más su recarga dentro de una ventana:",
            ),
            count(lang, bucket.worst),
        ));
    }
    if throttle.level >= 1 {
        notes.push(format!(
            "{} {}: {} {}.",
            lang.pick("Throttling level", "Nivel de limitación"),
            throttle.level,
            lang.pick("the effective limit is", "el límite efectivo es"),
            per_window(lang, throttle.effective_limit, scenario.base.window_ms),
        ));
    }
    if notes.is_empty() {
        notes.push(format!(
            "{} {} {} {window} s.",
            lang.pick(
                "No algorithm admitted more than",
                "Ningún algoritmo admitió más de",
            ),
            count(lang, limit),
            lang.pick("requests in any span of", "solicitudes en ningún lapso de"),
        ));
    }

    let (status, en, es) = if throttle.level >= 4 {
        ("fail", "Near-complete throttling", "Limitación casi total")
    } else if per_agent_leak.is_some() {
        (
            "fail",
            "Per-agent limits miss coordinated traffic",
            "Los límites por agente no detectan el tráfico coordinado",
        )
    } else if throttle.level >= 1 {
        (
            "warn",
            "Throttled: the anomaly score lowers the limit",
            "Limitado: la puntuación de anomalía reduce el límite",
        )
    } else if fixed_leak.is_some() || first_request_leak.is_some() {
        (
            "warn",
            "The fixed window's boundary lets more than the limit through",
            "El borde de la ventana fija deja pasar más que el límite",
        )
    } else if counter_leak.is_some() || bucket_leak.is_some() {
        (
            "info",
            "The sliding log holds the limit exactly; the approximations let a little more through",
            "El registro deslizante respeta el límite con exactitud; las aproximaciones dejan pasar un poco más",
        )
    } else if shared.iter().all(|o| o.blocked == 0) {
        (
            "pass",
            "Within the limit: every algorithm accepts every request",
            "Dentro del límite: todos los algoritmos aceptan todas las solicitudes",
        )
    } else {
        (
            "pass",
            "Every algorithm kept the traffic within the limit",
            "Todos los algoritmos mantuvieron el tráfico dentro del límite",
        )
    };
    Block::Verdict {
        status: status.to_string(),
        title: lang.pick(en, es).to_string(),
        detail: notes.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_request;

    const MINUTE: Limit = Limit {
        limit: 100,
        window_ms: 60_000,
    };

    fn burst() -> Vec<i64> {
        boundary_burst(MINUTE).iter().map(|h| h.at_ms).collect()
    }

    fn accepted(decisions: &[bool]) -> usize {
        decisions.iter().filter(|d| **d).count()
    }

    #[test]
    fn the_fixed_window_accepts_the_whole_boundary_burst() {
        let decisions = simulate(Algorithm::FixedWindow, &burst(), MINUTE);
        assert_eq!(decisions.len(), 200);
        assert_eq!(accepted(&decisions), 200);
    }

    #[test]
    fn the_first_request_window_opens_at_the_first_request() {
        // The burst at 59.8 s opens [59.8, 119.8): the second burst at 60.2 s is blocked.
        let decisions = simulate(Algorithm::FirstRequestWindow, &burst(), MINUTE);
        assert_eq!(accepted(&decisions), 100);
        assert!(decisions[100..].iter().all(|d| !*d));
        // A request exactly one window after the opening one opens the next window, as
        // `limits`' counter expires at its expiry time; blocked requests do not move it.
        let two = Limit {
            limit: 2,
            window_ms: 10_000,
        };
        let times = [1_000, 2_000, 3_000, 10_999, 11_000, 11_500, 12_000, 21_000];
        assert_eq!(
            simulate(Algorithm::FirstRequestWindow, &times, two),
            [true, true, false, false, true, true, false, true]
        );
        // Around its own boundary it lets twice the limit through, like any fixed window.
        let edge = [0, 9_900, 10_000, 10_100];
        let one = Limit {
            limit: 2,
            window_ms: 10_000,
        };
        let decisions = simulate(Algorithm::FirstRequestWindow, &edge, one);
        assert_eq!(decisions, [true, true, true, true]);
        assert_eq!(worst_window(&edge[1..], 10_000), 3);
    }

    #[test]
    fn the_sliding_log_blocks_half_of_the_boundary_burst() {
        let decisions = simulate(Algorithm::SlidingLog, &burst(), MINUTE);
        assert_eq!(accepted(&decisions), 100);
        assert!(decisions[..100].iter().all(|d| *d));
        assert!(decisions[100..].iter().all(|d| !*d));
    }

    #[test]
    fn the_sliding_counter_lets_one_more_through_on_the_estimate() {
        // At 60.2 s the estimate is 100 × 59.8/60 ≈ 99.67, whose whole part is 99 < 100.
        let decisions = simulate(Algorithm::SlidingCounter, &burst(), MINUTE);
        assert_eq!(accepted(&decisions), 101);
    }

    #[test]
    fn the_token_bucket_refills_at_limit_per_window() {
        // Full bucket: the first 100 pass; 0.4 s later only 0.67 tokens have come back.
        assert_eq!(
            accepted(&simulate(Algorithm::TokenBucket, &burst(), MINUTE)),
            100
        );
        // 100 per 60 s is one token every 600 ms: after draining, one request per 600 ms passes.
        let mut times = vec![0; 100];
        times.extend([599, 600, 1199, 1200, 1800]);
        let decisions = simulate(Algorithm::TokenBucket, &times, MINUTE);
        assert_eq!(&decisions[100..], &[false, true, false, true, true]);
        // The bucket never holds more than its capacity, however long it rests.
        let mut rested = vec![0];
        rested.extend(vec![10_000_000; 101]);
        assert_eq!(
            accepted(&simulate(Algorithm::TokenBucket, &rested, MINUTE)),
            101
        );
    }

    #[test]
    fn a_request_exactly_one_window_old_still_counts_in_the_sliding_log() {
        let limit = Limit {
            limit: 1,
            window_ms: 60_000,
        };
        let decisions = simulate(Algorithm::SlidingLog, &[0, 60_000, 60_001], limit);
        assert_eq!(decisions, vec![true, false, true]);
    }

    #[test]
    fn the_worst_window_of_the_burst_is_200_for_the_fixed_window() {
        assert_eq!(worst_window(&burst(), 60_000), 200);
        assert_eq!(worst_window(&[0, 60_000, 60_001], 60_000), 2);
    }

    #[test]
    fn steady_traffic_is_accepted_by_every_algorithm() {
        let times: Vec<i64> = steady(MINUTE).iter().map(|h| h.at_ms).collect();
        for algorithm in Algorithm::ALL {
            assert_eq!(accepted(&simulate(algorithm, &times, MINUTE)), times.len());
        }
    }

    #[test]
    fn coordinated_agents_pass_per_agent_limits_but_not_a_shared_one() {
        let hits = coordinated(MINUTE);
        assert_eq!(hits.len(), 8000);
        for algorithm in Algorithm::ALL {
            let per_agent = enforce(algorithm, &hits, MINUTE, true);
            assert_eq!(per_agent.blocked, 0, "{algorithm:?}");
            assert!(per_agent.worst > 3000);
        }
        let shared = enforce(Algorithm::SlidingLog, &hits, MINUTE, false);
        assert_eq!(shared.algorithm, Algorithm::SlidingLog);
        assert_eq!(shared.accepted_times.len(), 200);
        assert!(shared.worst <= 100);
    }

    #[test]
    fn throttling_levels_depend_on_trust() {
        let levels = |trust: &str| -> Vec<usize> {
            [0.0, 15.0, 30.0, 50.0, 70.0, 85.0, 95.0]
                .iter()
                .map(|&score| throttle(score, trust, 100).level)
                .collect()
        };
        assert_eq!(levels("low"), vec![0, 1, 2, 3, 4, 4, 4]);
        assert_eq!(levels("medium"), vec![0, 0, 1, 2, 3, 4, 4]);
        assert_eq!(levels("high"), vec![0, 0, 1, 1, 2, 3, 4]);
        let limits: Vec<u64> = (0..5)
            .map(|level| {
                let score = [0.0, 20.0, 40.0, 60.0, 80.0][level];
                throttle(score, "medium", 100).effective_limit
            })
            .collect();
        assert_eq!(limits, vec![100, 75, 50, 25, 1]);
        // Never below one request per window, even for tiny limits.
        assert_eq!(throttle(99.0, "low", 3).effective_limit, 1);
    }

    #[test]
    fn custom_timestamps_accept_commas_spaces_and_newlines() {
        let hits = parse_timestamps("1, 2.5\n0.0004 3", Lang::En).unwrap();
        let times: Vec<i64> = hits.iter().map(|h| h.at_ms).collect();
        assert_eq!(times, vec![0, 1000, 2500, 3000]);
    }

    #[test]
    fn bad_input_names_the_field() {
        let cases = [
            (r#"{"input": {"limit": 2.5}}"#, "input.limit"),
            (r#"{"input": {"limit": 0}}"#, "input.limit"),
            (r#"{"input": {"window": "x"}}"#, "input.window"),
            (r#"{"input": {"trust": "total"}}"#, "input.trust"),
            (
                r#"{"input": {"preset": "custom", "timestamps": "1, x"}}"#,
                "input.timestamps",
            ),
            (
                r#"{"input": {"preset": "custom", "timestamps": ""}}"#,
                "input.timestamps",
            ),
            (
                r#"{"input": {"preset": "custom", "timestamps": "-1"}}"#,
                "input.timestamps",
            ),
        ];
        for (text, field) in cases {
            let request = parse_request(text).unwrap();
            assert_eq!(run(&request).unwrap_err().field, field, "{text}");
        }
        let many = vec!["1"; MAX_TIMESTAMPS + 1].join(",");
        let request = parse_request(
            &serde_json::json!({"input": {"preset": "custom", "timestamps": many}}).to_string(),
        )
        .unwrap();
        assert_eq!(run(&request).unwrap_err().field, "input.timestamps");
    }

    #[test]
    fn the_output_is_in_spanish_when_asked() {
        let request = parse_request(r#"{"lang": "es", "input": {}}"#).unwrap();
        let blocks = run(&request).unwrap();
        let text = serde_json::to_string(&blocks).unwrap();
        assert!(text.contains("Ventana fija (alineada al reloj)"));
        assert!(!text.contains("Sliding log"));
    }
}
