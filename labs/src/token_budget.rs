//! The `token-budget` lab: counts a prompt's tokens exactly and plans the capacity of an Azure
//! OpenAI deployment for it — demand against the tokens-per-minute (TPM) and requests-per-minute
//! (RPM) quotas, the HTTP 429s to expect, and the monthly volume and cost.
//!
//! This module owns the capacity arithmetic and is the only place that talks to `tiktoken-rs`,
//! whose BPE ranks are compiled into the binary (nothing is downloaded). Text is encoded as
//! ordinary text: a `<|endoftext|>` typed into a prompt counts as the characters it is made of,
//! as it does when sent through the API.
//!
//! The model of the quota, kept deliberately simple and stated in the output:
//! - every request costs `prompt tokens + output tokens` against TPM (Azure's limiter counts the
//!   output cap, `max_completion_tokens` in the v1 API, up front, so the output figure is read as
//!   that cap);
//! - the RPM quota grows with TPM at a ratio that depends on the model: the `rpm_ratio` input
//!   picks one of the ratios listed on Microsoft Learn's page on managing Azure OpenAI quota
//!   (6 RPM per 1,000 TPM for older chat models such as GPT-4o, 1 per 1,000 for o3 and o4-mini,
//!   1 per 6,000 for o1), and a non-zero `rpm_quota` (the RPM the deployment shows) overrides it;
//! - the sustainable rate is the smaller of `TPM ÷ tokens per request` and RPM; whichever is
//!   smaller is the binding constraint, and traffic beyond it gets HTTP 429;
//! - only served requests are billed, so the monthly figures use the served rate.
//!
//! Chat formatting adds a few tokens per message on top of the text; they are not counted.

use tiktoken_rs::CoreBPE;

use crate::protocol::{
    Annotation, Axis, Block, ChartView, Fields, InputError, Lang, Request, Series, Style,
};

/// The RPM-per-TPM ratios of Microsoft Learn's quota page ("Manage Azure OpenAI quota", the
/// table of capacity units by model): `(input value, RPM, per TPM)`. The first is the default.
const RATIOS: [(&str, f64, f64); 3] = [
    ("6-per-1000", 6.0, 1_000.0),
    ("1-per-1000", 1.0, 1_000.0),
    ("1-per-6000", 1.0, 6_000.0),
];

/// One of [`RATIOS`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ratio {
    rpm: f64,
    per_tpm: f64,
}

impl Ratio {
    fn parse(value: &str) -> Ratio {
        let (_, rpm, per_tpm) = RATIOS
            .iter()
            .find(|(name, _, _)| *name == value)
            .copied()
            .unwrap_or(RATIOS[0]);
        Ratio { rpm, per_tpm }
    }

    /// "6 per 1,000 TPM, older chat models (GPT-4o)".
    fn describe(self, lang: Lang) -> String {
        let models = if self.per_tpm > 1_000.0 {
            lang.pick("o1", "o1")
        } else if self.rpm < 6.0 {
            lang.pick("o3 and o4-mini", "o3 y o4-mini")
        } else {
            lang.pick(
                "older chat models (GPT-4o)",
                "modelos de chat anteriores (GPT-4o)",
            )
        };
        format!(
            "{} {} {} TPM, {models}",
            n(lang, self.rpm),
            lang.pick("per", "por cada"),
            n(lang, self.per_tpm),
        )
    }
}
/// The longest prompt accepted, in characters.
const MAX_PROMPT_CHARS: usize = 50_000;

/// The encodings the lab offers.
const ENCODINGS: [&str; 2] = ["o200k_base", "cl100k_base"];

fn encoder(name: &str) -> &'static CoreBPE {
    match name {
        "cl100k_base" => tiktoken_rs::cl100k_base_singleton(),
        _ => tiktoken_rs::o200k_base_singleton(),
    }
}

/// The exact number of tokens of `text` in `encoding`.
pub fn count_tokens(text: &str, encoding: &str) -> usize {
    encoder(encoding).encode_ordinary(text).len()
}

/// The validated input.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub prompt_tokens: u64,
    pub output_tokens: u64,
    pub requests_per_minute: f64,
    pub tpm_quota: f64,
    pub rpm_quota: f64,
    pub input_price_per_1k: f64,
    pub output_price_per_1k: f64,
    pub hours_per_day: f64,
    pub days_per_month: f64,
}

/// Which quota runs out first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Tokens,
    Requests,
    Both,
}

/// What the plan amounts to.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    pub tokens_per_request: u64,
    pub demand_tpm: f64,
    pub max_rpm: f64,
    pub binding: Binding,
    pub throttled_rpm: f64,
    pub served_rpm: f64,
    pub token_headroom_pct: f64,
    pub request_headroom_pct: f64,
    pub monthly_requests: f64,
    pub monthly_input_tokens: f64,
    pub monthly_output_tokens: f64,
    pub monthly_input_cost: f64,
    pub monthly_output_cost: f64,
}

/// The capacity arithmetic, with no rounding except whole requests per minute.
pub fn plan_capacity(plan: &Plan) -> Capacity {
    let tokens_per_request = plan.prompt_tokens + plan.output_tokens;
    let demand_tpm = plan.requests_per_minute * tokens_per_request as f64;
    let by_tokens = if tokens_per_request == 0 {
        f64::INFINITY
    } else {
        (plan.tpm_quota / tokens_per_request as f64).floor()
    };
    let by_requests = plan.rpm_quota.floor();
    let binding = if by_tokens < by_requests {
        Binding::Tokens
    } else if by_requests < by_tokens {
        Binding::Requests
    } else {
        Binding::Both
    };
    let max_rpm = by_tokens.min(by_requests);
    let served_rpm = plan.requests_per_minute.min(max_rpm);
    let minutes = 60.0 * plan.hours_per_day * plan.days_per_month;
    let monthly_requests = served_rpm * minutes;
    let monthly_input_tokens = monthly_requests * plan.prompt_tokens as f64;
    let monthly_output_tokens = monthly_requests * plan.output_tokens as f64;
    Capacity {
        tokens_per_request,
        demand_tpm,
        max_rpm,
        binding,
        throttled_rpm: (plan.requests_per_minute - max_rpm).max(0.0),
        served_rpm,
        token_headroom_pct: (plan.tpm_quota - demand_tpm) / plan.tpm_quota * 100.0,
        request_headroom_pct: (plan.rpm_quota - plan.requests_per_minute) / plan.rpm_quota * 100.0,
        monthly_requests,
        monthly_input_tokens,
        monthly_output_tokens,
        monthly_input_cost: monthly_input_tokens / 1000.0 * plan.input_price_per_1k,
        monthly_output_cost: monthly_output_tokens / 1000.0 * plan.output_price_per_1k,
    }
}

fn whole(
    fields: &Fields<'_>,
    name: &str,
    default: f64,
    min: f64,
    max: f64,
) -> Result<f64, InputError> {
    let value = fields.number(name, default, min, max)?;
    if value.fract() != 0.0 {
        return Err(InputError::new(
            format!("input.{name}"),
            fields
                .lang()
                .pick("must be a whole number", "debe ser un número entero"),
        ));
    }
    Ok(value)
}

/// The lab's entry point.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let lang = request.lang;
    let fields = Fields::new(request);
    let prompt = fields.string("prompt", "")?;
    let chars = prompt.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(InputError::new(
            "input.prompt",
            format!(
                "{} {}",
                lang.pick("is too long; at most", "es demasiado largo; como máximo"),
                lang.number(MAX_PROMPT_CHARS as f64, 0)
            ),
        ));
    }
    let encoding = fields.choice("encoding", "o200k_base", &ENCODINGS)?;
    let output_tokens = whole(&fields, "expected_output_tokens", 150.0, 0.0, 128_000.0)?;
    let requests_per_minute = fields.number("requests_per_minute", 40.0, 0.0, 1_000_000.0)?;
    let tpm_quota = whole(&fields, "tpm_quota", 30_000.0, 1_000.0, 100_000_000.0)?;
    let ratio_names: Vec<&str> = RATIOS.iter().map(|(name, _, _)| *name).collect();
    let ratio = Ratio::parse(&fields.choice("rpm_ratio", RATIOS[0].0, &ratio_names)?);
    let rpm_input = whole(&fields, "rpm_quota", 0.0, 0.0, 10_000_000.0)?;
    let input_price_per_1k = fields.number("input_price_per_1k", 0.0025, 0.0, 1_000.0)?;
    let output_price_per_1k = fields.number("output_price_per_1k", 0.01, 0.0, 1_000.0)?;
    let hours_per_day = fields.number("hours_per_day", 8.0, 0.0, 24.0)?;
    let days_per_month = fields.number("days_per_month", 22.0, 0.0, 31.0)?;
    let derived_rpm = rpm_input == 0.0;
    let rpm_quota = if derived_rpm {
        // At least one request per minute, even for the smallest quotas.
        (tpm_quota / ratio.per_tpm * ratio.rpm).floor().max(1.0)
    } else {
        rpm_input
    };

    let prompt_tokens = count_tokens(&prompt, &encoding) as u64;
    let plan = Plan {
        prompt_tokens,
        output_tokens: output_tokens as u64,
        requests_per_minute,
        tpm_quota,
        rpm_quota,
        input_price_per_1k,
        output_price_per_1k,
        hours_per_day,
        days_per_month,
    };
    let capacity = plan_capacity(&plan);
    let words = prompt.split_whitespace().count();

    Ok(vec![
        count_table(&encoding, prompt_tokens, chars, words, lang),
        demand_table(&plan, &capacity, derived_rpm.then_some(ratio), lang),
        Block::Text {
            text: describe_limits(&capacity, lang),
        },
        monthly_table(&plan, &capacity, lang),
        chart(&plan, &capacity, lang),
        verdict(&plan, &capacity, derived_rpm.then_some(ratio), lang),
    ])
}

fn n(lang: Lang, value: f64) -> String {
    lang.number(value, 0)
}

fn count_table(encoding: &str, tokens: u64, chars: usize, words: usize, lang: Lang) -> Block {
    let ratio = |a: f64, b: usize| {
        if b == 0 {
            "—".to_string()
        } else {
            lang.number(a / b as f64, 2)
        }
    };
    Block::Table {
        caption: format!(
            "{} ({encoding})",
            lang.pick("The prompt, counted", "El prompt, contado")
        ),
        columns: vec![
            lang.pick("Measure", "Medida").to_string(),
            lang.pick("Value", "Valor").to_string(),
        ],
        rows: vec![
            vec![
                lang.pick("Tokens", "Tokens").to_string(),
                n(lang, tokens as f64),
            ],
            vec![
                lang.pick("Characters", "Caracteres").to_string(),
                n(lang, chars as f64),
            ],
            vec![
                lang.pick("Words", "Palabras").to_string(),
                n(lang, words as f64),
            ],
            vec![
                lang.pick("Tokens per word", "Tokens por palabra")
                    .to_string(),
                ratio(tokens as f64, words),
            ],
            vec![
                lang.pick("Characters per token", "Caracteres por token")
                    .to_string(),
                ratio(chars as f64, tokens as usize),
            ],
        ],
    }
}

fn headroom(lang: Lang, pct: f64) -> String {
    format!("{} %", lang.number(pct, 1))
}

fn demand_table(plan: &Plan, capacity: &Capacity, ratio: Option<Ratio>, lang: Lang) -> Block {
    let rpm_note = match ratio {
        Some(ratio) => format!(" ({})", ratio.describe(lang)),
        None => format!(
            " ({})",
            lang.pick("the deployment's own", "la del propio despliegue")
        ),
    };
    Block::Table {
        caption: format!(
            "{} {} + {} = {} {}",
            lang.pick(
                "Per-minute demand against the deployment's quota; each request costs",
                "Demanda por minuto frente a la cuota del despliegue; cada solicitud cuesta",
            ),
            n(lang, plan.prompt_tokens as f64),
            n(lang, plan.output_tokens as f64),
            n(lang, capacity.tokens_per_request as f64),
            lang.pick(
                "tokens (prompt + output cap, max_completion_tokens)",
                "tokens (prompt + tope de salida, max_completion_tokens)"
            ),
        ),
        columns: vec![
            lang.pick("Per minute", "Por minuto").to_string(),
            lang.pick("Demand", "Demanda").to_string(),
            lang.pick("Quota", "Cuota").to_string(),
            lang.pick("Headroom", "Margen").to_string(),
        ],
        rows: vec![
            vec![
                lang.pick("Tokens (TPM)", "Tokens (TPM)").to_string(),
                n(lang, capacity.demand_tpm),
                n(lang, plan.tpm_quota),
                headroom(lang, capacity.token_headroom_pct),
            ],
            vec![
                lang.pick("Requests (RPM)", "Solicitudes (RPM)").to_string(),
                lang.number(plan.requests_per_minute, digits(plan.requests_per_minute)),
                format!("{}{rpm_note}", n(lang, plan.rpm_quota)),
                headroom(lang, capacity.request_headroom_pct),
            ],
        ],
    }
}

/// Whole numbers without decimals, others with one.
fn digits(value: f64) -> usize {
    if value.fract() == 0.0 { 0 } else { 1 }
}

fn describe_limits(capacity: &Capacity, lang: Lang) -> String {
    let binding = match capacity.binding {
        Binding::Tokens => lang.pick(
            "the token quota (TPM) runs out first",
            "la cuota de tokens (TPM) se agota primero",
        ),
        Binding::Requests => lang.pick(
            "the request quota (RPM) runs out first",
            "la cuota de solicitudes (RPM) se agota primero",
        ),
        Binding::Both => lang.pick(
            "both quotas run out at the same rate",
            "ambas cuotas se agotan al mismo ritmo",
        ),
    };
    let throttled = if capacity.throttled_rpm > 0.0 {
        format!(
            "{} {} {}",
            lang.pick("At the expected traffic, about", "Con el tráfico esperado, unas"),
            lang.number(capacity.throttled_rpm, digits(capacity.throttled_rpm)),
            lang.pick(
                "requests per minute would get HTTP 429 (Too Many Requests) and have to be retried later.",
                "solicitudes por minuto recibirían HTTP 429 (Too Many Requests) y tendrían que reintentarse más tarde.",
            ),
        )
    } else {
        lang.pick(
            "At the expected traffic, no request should get HTTP 429 on the per-minute average.",
            "Con el tráfico esperado, ninguna solicitud debería recibir HTTP 429 en el promedio por minuto.",
        )
        .to_string()
    };
    format!(
        "{} {} {}; {binding}. {throttled} {}",
        lang.pick(
            "Maximum sustainable rate:",
            "Tasa máxima sostenible:"
        ),
        n(lang, capacity.max_rpm),
        lang.pick("requests per minute", "solicitudes por minuto"),
        lang.pick(
            "Azure also enforces the quota over short intervals (1 or 10 seconds), so bursts can be throttled even when the minute's average fits; and its limiter reserves the output cap (max_completion_tokens) when a request arrives, so keep the cap close to the longest answer you expect.",
            "Azure además aplica la cuota en intervalos cortos (1 o 10 segundos), así que las ráfagas pueden limitarse aunque el promedio del minuto quepa; y su limitador reserva el tope de salida (max_completion_tokens) cuando llega la solicitud, así que conviene ajustar ese tope a la respuesta más larga que esperan.",
        ),
    )
}

fn money(lang: Lang, value: f64) -> String {
    format!("USD {}", lang.number(value, 2))
}

fn monthly_table(plan: &Plan, capacity: &Capacity, lang: Lang) -> Block {
    let total_tokens = capacity.monthly_input_tokens + capacity.monthly_output_tokens;
    let total_cost = capacity.monthly_input_cost + capacity.monthly_output_cost;
    Block::Table {
        caption: format!(
            "{} {} {} {} {} {} {}",
            lang.pick("Per month, at", "Por mes, a"),
            lang.number(capacity.served_rpm, digits(capacity.served_rpm)),
            lang.pick(
                "served requests per minute,",
                "solicitudes atendidas por minuto,"
            ),
            lang.number(plan.hours_per_day, digits(plan.hours_per_day)),
            lang.pick("hours a day,", "horas al día,"),
            lang.number(plan.days_per_month, digits(plan.days_per_month)),
            lang.pick(
                "days a month (prices are the example inputs, not a quote)",
                "días al mes (los precios son los valores de ejemplo, no una cotización)"
            ),
        ),
        columns: vec![
            lang.pick("Item", "Concepto").to_string(),
            lang.pick("Volume", "Volumen").to_string(),
            lang.pick("Cost", "Costo").to_string(),
        ],
        rows: vec![
            vec![
                lang.pick("Requests", "Solicitudes").to_string(),
                n(lang, capacity.monthly_requests),
                String::new(),
            ],
            vec![
                lang.pick("Input tokens", "Tokens de entrada").to_string(),
                n(lang, capacity.monthly_input_tokens),
                money(lang, capacity.monthly_input_cost),
            ],
            vec![
                lang.pick("Output tokens", "Tokens de salida").to_string(),
                n(lang, capacity.monthly_output_tokens),
                money(lang, capacity.monthly_output_cost),
            ],
            vec![
                lang.pick("Total", "Total").to_string(),
                n(lang, total_tokens),
                money(lang, total_cost),
            ],
        ],
    }
}

fn chart(plan: &Plan, capacity: &Capacity, lang: Lang) -> Block {
    let tokens_pct = capacity.demand_tpm / plan.tpm_quota * 100.0;
    let requests_pct = plan.requests_per_minute / plan.rpm_quota * 100.0;
    let round = |v: f64| (v * 10.0).round() / 10.0;
    Block::Series {
        title: lang
            .pick(
                "Demand as a share of each quota (TPM, RPM)",
                "Demanda como porcentaje de cada cuota (TPM, RPM)",
            )
            .to_string(),
        x_label: lang
            .pick("1 = TPM, 2 = RPM", "1 = TPM, 2 = RPM")
            .to_string(),
        y_label: lang.pick("% of quota", "% de la cuota").to_string(),
        kind: "bar".to_string(),
        series: vec![
            Series::new(
                lang.pick("Demand", "Demanda"),
                vec![(1.0, round(tokens_pct)), (2.0, round(requests_pct))],
            )
            .styled(Style::Strong),
            Series::new(
                lang.pick("Quota", "Cuota"),
                vec![(1.0, 100.0), (2.0, 100.0)],
            )
            .styled(Style::Muted),
        ],
        // The lesson is which quota binds first: the bar that crosses the 100 % line.
        view: ChartView {
            annotations: vec![Annotation::Marker {
                axis: Axis::Y,
                at: 100.0,
                label: lang.pick("quota: 100 %", "cuota: 100 %").to_string(),
            }],
            ..ChartView::default()
        },
    }
}

/// The TPM a deployment needs so that its derived RPM reaches `rpm` (Azure grants RPM with TPM,
/// in capacity units, not as an independent value).
fn tpm_for_rpm(rpm: f64, ratio: Ratio) -> f64 {
    (rpm / ratio.rpm * ratio.per_tpm / 1_000.0).ceil() * 1_000.0
}

fn verdict(plan: &Plan, capacity: &Capacity, ratio: Option<Ratio>, lang: Lang) -> Block {
    let use_pct = (100.0 - capacity.token_headroom_pct).max(100.0 - capacity.request_headroom_pct);
    let quota = match capacity.binding {
        Binding::Tokens | Binding::Both => "TPM",
        Binding::Requests => "RPM",
    };
    if capacity.throttled_rpm > 0.0 {
        // Raising the quota that does not bind would change nothing.
        let rpm_needed = plan.requests_per_minute.ceil();
        let needed = match (capacity.binding, ratio) {
            // RPM comes with TPM at the model's ratio: the TPM to ask for is the larger of what
            // the tokens need and what the requests need.
            (Binding::Requests | Binding::Both, Some(ratio)) => format!(
                "{} TPM, {} {} RPM",
                n(
                    lang,
                    tpm_for_rpm(rpm_needed, ratio).max(capacity.demand_tpm.ceil())
                ),
                lang.pick("which brings", "que traen"),
                n(lang, rpm_needed),
            ),
            (Binding::Tokens, _) => format!("{} TPM", n(lang, capacity.demand_tpm.ceil())),
            (Binding::Requests, None) => format!("{} RPM", n(lang, rpm_needed)),
            (Binding::Both, None) => format!(
                "{} TPM {} {} RPM",
                n(lang, capacity.demand_tpm.ceil()),
                lang.pick("and", "y"),
                n(lang, plan.requests_per_minute.ceil())
            ),
        };
        Block::Verdict {
            status: "fail".to_string(),
            title: lang
                .pick(
                    "Over quota: expect HTTP 429",
                    "Por encima de la cuota: habrá HTTP 429",
                )
                .to_string(),
            detail: format!(
                "{} {quota}. {} {needed} {}",
                lang.pick("The binding limit is", "Manda la cuota de"),
                lang.pick(
                    "To serve the whole demand, raise the quota to at least",
                    "Para atender toda la demanda, suban la cuota a",
                ),
                lang.pick(
                    "(or shorten the prompt, lower max_completion_tokens, spread the load over more deployments, or queue and retry with backoff).",
                    "(o acorten el prompt, bajen max_completion_tokens, repartan la carga entre despliegues o encolen con reintentos espaciados).",
                ),
            ),
        }
    } else if use_pct > 80.0 {
        Block::Verdict {
            status: "warn".to_string(),
            title: lang
                .pick("Fits, with little headroom", "Cabe, con poco margen")
                .to_string(),
            detail: format!(
                "{} {} {}",
                lang.pick("The demand uses", "La demanda usa"),
                headroom(lang, use_pct),
                lang.pick(
                    "of the tightest quota; a traffic spike or a longer prompt would start the 429s.",
                    "de la cuota más ajustada; un pico de tráfico o un prompt más largo empezarían a provocar errores 429.",
                ),
            ),
        }
    } else {
        Block::Verdict {
            status: "pass".to_string(),
            title: lang
                .pick("Fits within the quota", "Cabe dentro de la cuota")
                .to_string(),
            detail: format!(
                "{} {} {} {} {}",
                lang.pick("The demand uses", "La demanda usa"),
                headroom(lang, use_pct.max(0.0)),
                lang.pick(
                    "of the tightest quota; the deployment could take up to",
                    "de la cuota más ajustada; el despliegue aguantaría hasta",
                ),
                n(lang, capacity.max_rpm),
                lang.pick("requests per minute.", "solicitudes por minuto."),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_request;

    #[test]
    fn token_counts_are_exact() {
        assert_eq!(count_tokens("hello world", "cl100k_base"), 2);
        assert_eq!(count_tokens("hello world", "o200k_base"), 2);
        // The example of OpenAI's tiktoken cookbook: [83, 1609, 5963, 374, 2294, 0].
        assert_eq!(
            encoder("cl100k_base").encode_ordinary("tiktoken is great!"),
            vec![83, 1609, 5963, 374, 2294, 0]
        );
        assert_eq!(count_tokens("", "o200k_base"), 0);
        // A special token typed into a prompt is ordinary text, several tokens long.
        assert!(count_tokens("<|endoftext|>", "cl100k_base") > 1);
    }

    fn plan() -> Plan {
        Plan {
            prompt_tokens: 700,
            output_tokens: 300,
            requests_per_minute: 40.0,
            tpm_quota: 30_000.0,
            rpm_quota: 180.0,
            input_price_per_1k: 0.0025,
            output_price_per_1k: 0.01,
            hours_per_day: 8.0,
            days_per_month: 22.0,
        }
    }

    #[test]
    fn tokens_bind_before_requests_for_long_prompts() {
        let capacity = plan_capacity(&plan());
        assert_eq!(capacity.tokens_per_request, 1000);
        assert_eq!(capacity.demand_tpm, 40_000.0);
        assert_eq!(capacity.max_rpm, 30.0);
        assert_eq!(capacity.binding, Binding::Tokens);
        assert_eq!(capacity.throttled_rpm, 10.0);
        assert_eq!(capacity.served_rpm, 30.0);
        // 30 × 60 × 8 × 22 = 316,800 requests; × 700 and × 300 tokens.
        assert_eq!(capacity.monthly_requests, 316_800.0);
        assert!((capacity.monthly_input_cost - 554.4).abs() < 1e-9);
        assert!((capacity.monthly_output_cost - 950.4).abs() < 1e-9);
    }

    #[test]
    fn requests_bind_for_short_prompts() {
        let capacity = plan_capacity(&Plan {
            prompt_tokens: 50,
            output_tokens: 50,
            requests_per_minute: 200.0,
            ..plan()
        });
        assert_eq!(capacity.binding, Binding::Requests);
        assert_eq!(capacity.max_rpm, 180.0);
        assert_eq!(capacity.throttled_rpm, 20.0);
    }

    #[test]
    fn the_rpm_quota_follows_the_models_ratio() {
        let rpm_of = |input: &str| {
            let request = parse_request(&format!(
                r#"{{"input": {{"prompt": "hello world", "tpm_quota": 30000, {input}}}}}"#
            ))
            .unwrap();
            serde_json::to_string(&run(&request).unwrap()).unwrap()
        };
        // The default is Learn's ratio for older chat models.
        let text = rpm_of(r#""rpm_quota": 0"#);
        assert!(
            text.contains("180 (6 per 1,000 TPM, older chat models (GPT-4o))"),
            "{text}"
        );
        let text = rpm_of(r#""rpm_ratio": "1-per-1000""#);
        assert!(
            text.contains("30 (1 per 1,000 TPM, o3 and o4-mini)"),
            "{text}"
        );
        let text = rpm_of(r#""rpm_ratio": "1-per-6000""#);
        assert!(text.contains("5 (1 per 6,000 TPM, o1)"), "{text}");
        // Over the RPM a ratio gives, the fix is more TPM: RPM comes with it.
        let text = rpm_of(r#""rpm_ratio": "1-per-1000", "requests_per_minute": 40"#);
        assert!(
            text.contains("raise the quota to at least 40,000 TPM, which brings 40 RPM"),
            "{text}"
        );
        // The deployment's own RPM wins over any ratio.
        let text = rpm_of(r#""rpm_ratio": "1-per-6000", "rpm_quota": 42"#);
        assert!(text.contains("42 (the deployment's own)"), "{text}");
        assert!(!text.contains("max_tokens"), "{text}");
    }

    #[test]
    fn bad_input_names_the_field() {
        let cases = [
            (r#"{"input": {"encoding": "p50k_base"}}"#, "input.encoding"),
            (r#"{"input": {"rpm_ratio": "6"}}"#, "input.rpm_ratio"),
            (r#"{"input": {"tpm_quota": 10}}"#, "input.tpm_quota"),
            (
                r#"{"input": {"expected_output_tokens": 1.5}}"#,
                "input.expected_output_tokens",
            ),
            (r#"{"input": {"hours_per_day": 25}}"#, "input.hours_per_day"),
            (r#"{"input": {"prompt": 3}}"#, "input.prompt"),
        ];
        for (text, field) in cases {
            let request = parse_request(text).unwrap();
            assert_eq!(run(&request).unwrap_err().field, field, "{text}");
        }
    }
}
