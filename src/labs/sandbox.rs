//! The walls around one lab run (DESIGN.md §10): which protections this machine allows, the
//! command that starts a lab inside them, and the launcher that raises them.
//!
//! A run is started as
//! `/usr/bin/unshare --pid --net --fork --kill-child [--user --map-root-user] -- aula
//! __lab-sandbox … -- LAB`: util-linux makes a PID namespace and an empty network namespace;
//! aula itself (the hidden `__lab-sandbox` launcher, see [`launch`]) sets rlimits, Landlock
//! rules and an unprivileged uid on itself, then replaces itself with the lab. The lab is PID 1
//! of its namespace, so when it exits the kernel kills everything it started, `setsid` escapes
//! included; when the runner kills `unshare` at the time limit, `--kill-child` takes the
//! namespace down the same way. No `unsafe`: the kernel does the forking, `nix` and `landlock`
//! wrap the calls.
//!
//! Where a layer is not available (no `unshare`, no user namespaces, an old kernel, not root),
//! runs go on without it — without namespaces, the launcher stays as a subreaper and kills
//! whatever the lab left behind — and [`Layers::summary`] says which protections are active.
//! This module knows nothing of HTTP, manifests or the protocol: [`super::runner`] feeds the
//! lab and reads its answer.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The hidden subcommand of the launcher.
pub(crate) const LAUNCHER: &str = "__lab-sandbox";

const UNSHARE: &str = "/usr/bin/unshare";

/// Per-run resource limits, the same for every lab.
const ADDRESS_SPACE: u64 = 1024 * 1024 * 1024;
const PROCESSES: u64 = 64;
const FILE_SIZE: u64 = 16 * 1024 * 1024;
const OPEN_FILES: u64 = 64;

/// Runs as these uids when aula runs as root: one per concurrent run, so one run's process
/// limit (counted per uid by the kernel) is not another's, and no run can signal another.
const FIRST_UID: u32 = 2_147_400_000;
const UIDS: u32 = 256;

/// What a lab may read (and execute) besides its own binary: the system, never the site, the
/// home folders or other runs' folders.
const SYSTEM_PATHS: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc", "/opt",
];
/// Devices a lab may read and write.
const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"];

/// One protection: on, or off and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layer {
    On(String),
    Off(String),
}

impl Layer {
    pub(crate) fn is_on(&self) -> bool {
        matches!(self, Layer::On(_))
    }

    fn show(&self, name: &str) -> String {
        match self {
            Layer::On(note) if note.is_empty() => format!("{name} ✓"),
            Layer::On(note) => format!("{name} ✓ ({note})"),
            Layer::Off(why) => format!("{name} ✗ ({why})"),
        }
    }
}

/// The protections lab runs get on this machine, found once by starting the launcher.
#[derive(Debug, Clone)]
pub(crate) struct Layers {
    pub(crate) rlimits: Layer,
    pub(crate) landlock: Layer,
    pub(crate) netns: Layer,
    pub(crate) pidns: Layer,
    pub(crate) uid: Layer,
    pub(crate) cgroup2: Layer,
    /// Whether `unshare` works here (both namespaces come with it).
    namespaces: bool,
    /// `--user --map-root-user` is needed (not root).
    user_namespace: bool,
}

impl Layers {
    /// `lab sandbox: rlimits ✓ landlock ✓ (ABI 7) …`, for start-up and `--check`.
    pub(crate) fn summary(&self) -> String {
        format!(
            "lab sandbox: {} {} {} {} {} {}",
            self.rlimits.show("rlimits"),
            self.landlock.show("landlock"),
            self.netns.show("netns"),
            self.pidns.show("pidns"),
            self.uid.show("uid"),
            self.cgroup2.show("cgroup2"),
        )
    }

    /// The names of the layers that are on, for logs and metrics.
    pub(crate) fn active(&self) -> Vec<&'static str> {
        [
            ("rlimits", &self.rlimits),
            ("landlock", &self.landlock),
            ("netns", &self.netns),
            ("pidns", &self.pidns),
            ("uid", &self.uid),
            ("cgroup2", &self.cgroup2),
        ]
        .into_iter()
        .filter(|(_, layer)| layer.is_on())
        .map(|(name, _)| name)
        .collect()
    }
}

/// The layers of this machine (probed on first use).
pub(crate) fn layers() -> &'static Layers {
    static LAYERS: OnceLock<Layers> = OnceLock::new();
    LAYERS.get_or_init(probe)
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

fn probe() -> Layers {
    let root = is_root();
    let cgroup2 = if Path::new("/sys/fs/cgroup/cgroup.controllers").is_file() {
        Layer::Off("available, not used: the PID namespace ends every run".into())
    } else {
        Layer::Off("cgroup v1 only".into())
    };
    let mut layers = Layers {
        rlimits: Layer::Off("not probed".into()),
        landlock: Layer::Off("not probed".into()),
        netns: Layer::Off("not probed".into()),
        pidns: Layer::Off("not probed".into()),
        uid: Layer::Off("not probed".into()),
        cgroup2,
        namespaces: false,
        user_namespace: !root,
    };
    // With namespaces first; without them when that fails.
    for namespaces in [true, false] {
        layers.namespaces = namespaces;
        // As root, the probe tries the first uid of the pool (run mode leases one per run).
        let uid = (root && !layers.user_namespace).then_some(FIRST_UID);
        let mut command = launcher_command(&layers, Path::new("/"), uid, Duration::from_secs(5));
        command.arg("--probe");
        let output = command.env_clear().current_dir("/").output();
        let report = match output {
            Ok(output) if output.status.success() => {
                serde_json::from_slice::<serde_json::Value>(&output.stdout).ok()
            }
            _ => None,
        };
        let Some(report) = report else {
            if namespaces {
                let why = if Path::new(UNSHARE).is_file() {
                    if root {
                        "unshare failed".to_string()
                    } else {
                        "no user namespaces for this user".to_string()
                    }
                } else {
                    format!("{UNSHARE} not found")
                };
                layers.netns = Layer::Off(why.clone());
                layers.pidns = Layer::Off(format!("{why}; a subreaper ends runs instead"));
                continue;
            }
            layers.rlimits = Layer::Off("the launcher could not start".into());
            layers.landlock = Layer::Off("the launcher could not start".into());
            layers.uid = Layer::Off("the launcher could not start".into());
            return layers;
        };
        let layer = |key: &str| match report[key].as_str() {
            Some(note) if report[format!("{key}_on")] == true => Layer::On(note.to_string()),
            Some(why) => Layer::Off(why.to_string()),
            None => Layer::Off("unknown".into()),
        };
        layers.rlimits = layer("rlimits");
        layers.landlock = layer("landlock");
        layers.uid = if root {
            layer("uid")
        } else {
            Layer::Off("not started as root".into())
        };
        if namespaces {
            layers.netns = Layer::On(String::new());
            layers.pidns = Layer::On(String::new());
        }
        break;
    }
    layers
}

/// A uid for one run, given back when dropped.
pub(crate) struct Lease {
    uid: u32,
}

static FREE_UIDS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static UIDS_READY: OnceLock<()> = OnceLock::new();

impl Lease {
    fn take() -> Option<Lease> {
        UIDS_READY.get_or_init(|| {
            if let Ok(mut free) = FREE_UIDS.lock() {
                free.extend((0..UIDS).rev().map(|n| FIRST_UID + n));
            }
        });
        FREE_UIDS.lock().ok()?.pop().map(|uid| Lease { uid })
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Ok(mut free) = FREE_UIDS.lock() {
            free.push(self.uid);
        }
    }
}

/// A lab's command, ready for the caller's stdio and process group: `binary` run in `workdir`
/// behind every available layer, with `time` as its CPU budget. The lease (if any) must live as
/// long as the run.
pub(crate) fn command(
    binary: &Path,
    workdir: &Path,
    time: Duration,
) -> std::io::Result<(Command, Option<Lease>)> {
    // A unit test's binary is not aula and has no launcher: runner.rs's own tests check how a
    // run is fed and classified; tests/labs_hostile.rs checks the walls through real aula.
    if cfg!(test) {
        let _ = time;
        return Ok((Command::new(binary), None));
    }
    let layers = layers();
    let lease = if layers.uid.is_on() && others_can_run(binary) {
        Lease::take()
    } else {
        None
    };
    if let Some(lease) = &lease {
        let id = nix::unistd::Uid::from_raw(lease.uid);
        let gid = nix::unistd::Gid::from_raw(lease.uid);
        nix::unistd::chown(workdir, Some(id), Some(gid)).map_err(std::io::Error::from)?;
    }
    let mut command = launcher_command(layers, workdir, lease.as_ref().map(|l| l.uid), time);
    command.arg("--").arg(binary);
    Ok((command, lease))
}

/// Whether a uid that owns nothing can run `binary`: every folder on its way searchable by
/// others, the file readable and executable by others. When not, the run keeps aula's uid (the
/// other layers still hold) and the start-up summary's note stands.
fn others_can_run(binary: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Ok(real) = binary.canonicalize() else {
        return false;
    };
    let mode = |path: &Path| std::fs::metadata(path).map(|m| m.permissions().mode());
    if !mode(&real).is_ok_and(|m| m & 0o005 == 0o005) {
        return false;
    }
    real.ancestors()
        .skip(1)
        .all(|folder| mode(folder).is_ok_and(|m| m & 0o001 != 0))
}

fn launcher_command(layers: &Layers, workdir: &Path, uid: Option<u32>, time: Duration) -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
    let mut command = if layers.namespaces {
        let mut command = Command::new(UNSHARE);
        if layers.user_namespace {
            command.args(["--user", "--map-root-user"]);
        }
        command.args(["--pid", "--net", "--fork", "--kill-child", "--"]);
        command.arg(exe);
        command
    } else {
        Command::new(exe)
    };
    command.arg(LAUNCHER);
    command.arg("--workdir").arg(workdir);
    // CPU seconds: the wall-clock limit, rounded up, plus one.
    command.arg("--cpu").arg((time.as_secs() + 2).to_string());
    if let Some(uid) = uid {
        command.arg("--uid").arg(uid.to_string());
    }
    if !layers.namespaces {
        command.arg("--reap");
    }
    command
}

/// The launcher's options (a fixed, small grammar: it is only ever started by [`command`]).
struct Plan {
    workdir: PathBuf,
    cpu: u64,
    uid: Option<u32>,
    reap: bool,
    probe: bool,
    lab: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Plan, String> {
    let mut plan = Plan {
        workdir: PathBuf::from("/nonexistent"),
        cpu: 7,
        uid: None,
        reap: false,
        probe: false,
        lab: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--workdir" => plan.workdir = PathBuf::from(value()?),
            "--cpu" => {
                plan.cpu = value()?
                    .parse()
                    .map_err(|_| "--cpu: a number".to_string())?
            }
            "--uid" => {
                plan.uid = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--uid: a number".to_string())?,
                );
            }
            "--reap" => plan.reap = true,
            "--probe" => plan.probe = true,
            "--" => {
                plan.lab = args.next().map(PathBuf::from);
                break;
            }
            other => return Err(format!("unknown launcher option {other}")),
        }
    }
    Ok(plan)
}

/// `aula __lab-sandbox …`: raises the layers on this process, then becomes the lab (or, with
/// `--probe`, prints which layers it could raise). Every failure exits 125 with a line on stderr
/// — the runner shows it as the lab's failure.
pub(crate) fn launch(args: &[String]) -> ExitCode {
    let plan = match parse(args) {
        Ok(plan) => plan,
        Err(why) => {
            eprintln!("lab sandbox: {why}");
            return ExitCode::from(125);
        }
    };
    let mut report = serde_json::Map::new();
    let mut note = |key: &str, result: Result<String, String>| {
        let on = result.is_ok();
        report.insert(key.into(), result.unwrap_or_else(|e| e).into());
        report.insert(format!("{key}_on"), on.into());
        on
    };
    let rlimits = note("rlimits", set_rlimits(plan.cpu, plan.uid.is_some()));
    let landlock = note(
        "landlock",
        restrict(&plan.workdir, plan.lab.as_deref(), plan.reap),
    );
    let uid = note(
        "uid",
        match plan.uid {
            Some(uid) => drop_to(uid),
            None => Err("no uid given".into()),
        },
    );
    if plan.probe {
        println!("{}", serde_json::Value::Object(report));
        return ExitCode::SUCCESS;
    }
    // A run must not go on with less than the probe promised.
    if !rlimits || (plan.uid.is_some() && !uid) {
        eprintln!("lab sandbox: {}", serde_json::Value::Object(report));
        return ExitCode::from(125);
    }
    let _ = landlock;
    let Some(lab) = plan.lab else {
        eprintln!("lab sandbox: no lab to run");
        return ExitCode::from(125);
    };
    let mut command = Command::new(&lab);
    if plan.reap {
        return reap(command);
    }
    let error = command.exec();
    eprintln!("lab sandbox: cannot start {}: {error}", lab.display());
    ExitCode::from(125)
}

fn set_rlimits(cpu: u64, unprivileged: bool) -> Result<String, String> {
    use nix::sys::resource::{Resource, setrlimit};
    let mut limits = vec![
        (Resource::RLIMIT_AS, ADDRESS_SPACE),
        (Resource::RLIMIT_CPU, cpu),
        (Resource::RLIMIT_FSIZE, FILE_SIZE),
        (Resource::RLIMIT_NOFILE, OPEN_FILES),
        (Resource::RLIMIT_CORE, 0),
    ];
    // Processes are counted per uid: only a uid of the run's own makes this a per-run bound.
    if unprivileged {
        limits.push((Resource::RLIMIT_NPROC, PROCESSES));
    }
    for (resource, value) in limits {
        setrlimit(resource, value, value).map_err(|e| format!("{resource:?}: {e}"))?;
    }
    Ok(if unprivileged {
        "as, cpu, fsize, nofile, nproc, core".into()
    } else {
        "as, cpu, fsize, nofile, core; nproc needs a uid".into()
    })
}

/// Landlock: read and run the system and the lab; read and write the working folder and a few
/// devices; nothing else. No TCP (bind or connect), no abstract sockets or signals outside the
/// run, where the kernel's ABI has those.
fn restrict(workdir: &Path, lab: Option<&Path>, reap: bool) -> Result<String, String> {
    use landlock::{
        ABI, Access, AccessFs, AccessNet, LandlockStatus, Ruleset, RulesetAttr, RulesetCreatedAttr,
        RulesetStatus, Scope, path_beneath_rules,
    };
    let abi = ABI::V6;
    let read = AccessFs::from_read(abi);
    let all = AccessFs::from_all(abi);
    let ruleset = Ruleset::default()
        .handle_access(all)
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::AbstractUnixSocket | Scope::Signal))
        .and_then(Ruleset::create)
        .map_err(|e| e.to_string())?;
    let ruleset = ruleset
        .add_rules(path_beneath_rules(SYSTEM_PATHS, read))
        .and_then(|r| r.add_rules(path_beneath_rules(lab, read)))
        .and_then(|r| r.add_rules(path_beneath_rules(DEVICES, all)))
        .and_then(|r| r.add_rules(path_beneath_rules([workdir], all)))
        // The subreaper finds what is left of a run in /proc (without a PID namespace only).
        .and_then(|r| r.add_rules(path_beneath_rules(reap.then_some("/proc"), read)))
        .map_err(|e| e.to_string())?;
    let status = ruleset.restrict_self().map_err(|e| e.to_string())?;
    let abi = match status.landlock {
        LandlockStatus::Available { effective_abi, .. } => format!("ABI {}", effective_abi as i32),
        LandlockStatus::NotEnabled => return Err("not enabled in this kernel".into()),
        LandlockStatus::NotImplemented => return Err("not in this kernel".into()),
    };
    match status.ruleset {
        RulesetStatus::FullyEnforced => Ok(abi),
        RulesetStatus::PartiallyEnforced => Ok(format!("{abi}, partly")),
        RulesetStatus::NotEnforced => Err("not enforced".into()),
    }
}

fn drop_to(uid: u32) -> Result<String, String> {
    use nix::unistd::{Gid, Uid, setgid, setgroups, setuid};
    setgroups(&[]).map_err(|e| format!("setgroups: {e}"))?;
    setgid(Gid::from_raw(uid)).map_err(|e| format!("setgid: {e}"))?;
    setuid(Uid::from_raw(uid)).map_err(|e| format!("setuid: {e}"))?;
    Ok(format!("{FIRST_UID}+"))
}

/// Without a PID namespace: run the lab as a child, then kill every process left below this
/// one (orphans, `setsid` ones too, come back to a subreaper) and exit as the lab did.
fn reap(mut command: Command) -> ExitCode {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let _ = nix::sys::prctl::set_child_subreaper(true);
    let status = match command.status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("lab sandbox: cannot start the lab: {e}");
            return ExitCode::from(125);
        }
    };
    let me = std::process::id();
    loop {
        let left = children_of(me);
        if left.is_empty() {
            break;
        }
        for pid in left {
            if let Ok(pid) = i32::try_from(pid) {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
            }
        }
        // Collect them (and whatever they reparented to us meanwhile).
        while let Ok(status) =
            nix::sys::wait::waitpid(None, Some(nix::sys::wait::WaitPidFlag::WNOHANG))
        {
            if status == nix::sys::wait::WaitStatus::StillAlive {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        (None, Some(signal)) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(255)),
        _ => ExitCode::from(1),
    }
}

/// The processes whose parent is `parent`, from /proc.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // pid (comm) state ppid …; comm may hold spaces and parentheses.
                    let after = stat.rsplit_once(')')?.1;
                    after.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}
