//! The launcher: what runs inside `aula-lab-sandbox` (or `aula __lab-sandbox`) to raise the
//! walls around one lab run and stay until it is over.
//!
//! It makes a new PID namespace and an empty network namespace for its children (`unshare(2)`,
//! and a user namespace first when aula is not root), sets rlimits and Landlock rules on
//! itself, and starts the lab as its only child — PID 1 of the new namespace, under a uid of
//! the run's own when aula runs as root. It then waits: when the lab exits, the kernel kills
//! everything the lab started, `setsid` escapes included; when the runner wants the run over
//! (time limit, output cap) it sends the launcher SIGTERM and the launcher SIGKILLs the
//! namespace's PID 1, which takes the namespace down the same way. The lab cannot stop that:
//! the launcher is outside its PID namespace, where the lab can name no process, and runs as
//! another uid. No `unsafe`: the kernel does the forking, std, `nix` and `landlock` wrap the
//! calls.
//!
//! The lab runs in a process group of its own, so its `kill(0)` never reaches the launcher.
//!
//! Without namespaces (`--reap`), the launcher is a subreaper and kills whatever the lab left
//! behind; as the lab could then name its launcher (its parent), the launcher stays outside
//! Landlock and the lab's rules are raised by a stage of its own ([`stage`]), whose signal
//! scope leaves the launcher out.
//!
//! It knows only its arguments (built by [`super::command`]) and must stay quick to start: no
//! probing of what the machine allows (that is [`super::layers`], which reads this launcher's
//! `--probe` report), no runner, no HTTP, nothing of aula's configuration.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus};
use std::time::Duration;

use nix::sys::signal::{SigSet, Signal};

use super::{FIRST_UID, LAUNCHER};

/// Per-run resource limits, the same for every lab.
const ADDRESS_SPACE: u64 = 1024 * 1024 * 1024;
const PROCESSES: u64 = 64;
const FILE_SIZE: u64 = 16 * 1024 * 1024;
const OPEN_FILES: u64 = 64;

/// What a lab may read (and execute) besides its own binary: the system, never the site, the
/// home folders or other runs' folders.
const SYSTEM_PATHS: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc", "/opt",
];
/// Devices a lab may read and write.
const DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"];

/// How the launcher confines its child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walls {
    /// New PID and network namespaces (`user`: in a new user namespace, for a non-root aula).
    Namespaces { user: bool },
    /// No namespaces: the launcher is a subreaper and kills what is left.
    Reap,
}

/// The launcher's options (a fixed, small grammar: it is only ever started by
/// [`super::command`]).
struct Plan {
    walls: Walls,
    workdir: PathBuf,
    cpu: u64,
    uid: Option<u32>,
    /// An empty network namespace to join instead of making one.
    netns: Option<PathBuf>,
    probe: bool,
    /// Print the pid and uid this process has, and exit (the probe's child).
    whoami: bool,
    /// Become the lab: see [`stage`].
    stage: bool,
    lab: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Plan, String> {
    let mut plan = Plan {
        walls: Walls::Reap,
        workdir: PathBuf::from("/nonexistent"),
        cpu: 7,
        uid: None,
        netns: None,
        probe: false,
        whoami: false,
        stage: false,
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
            "--netns" => plan.netns = Some(PathBuf::from(value()?)),
            "--reap" => plan.walls = Walls::Reap,
            "--namespaces" => plan.walls = Walls::Namespaces { user: false },
            "--user-namespaces" => plan.walls = Walls::Namespaces { user: true },
            "--probe" => plan.probe = true,
            "--whoami" => plan.whoami = true,
            "--stage" => plan.stage = true,
            "--" => {
                plan.lab = args.next().map(PathBuf::from);
                break;
            }
            other => return Err(format!("unknown launcher option {other}")),
        }
    }
    Ok(plan)
}

/// `aula __lab-sandbox …`: raises the walls, starts the lab inside them and stays until it
/// is over (or, with `--probe`, prints which walls it could raise). Every failure exits 125
/// with a line on stderr — the runner shows it as the lab's failure.
pub(crate) fn launch(args: &[String]) -> ExitCode {
    let plan = match parse(args) {
        Ok(plan) => plan,
        Err(why) => {
            eprintln!("lab sandbox: {why}");
            return ExitCode::from(125);
        }
    };
    if plan.whoami {
        let pid = std::process::id();
        let uid = nix::unistd::getuid().as_raw();
        println!("{}", serde_json::json!({"pid": pid, "uid": uid}));
        return ExitCode::SUCCESS;
    }
    if plan.stage {
        return stage(&plan);
    }
    // The signals the launcher waits for, blocked before the lab starts so that none is lost
    // between its start and the wait (the lab itself starts with none blocked: std resets the
    // mask of a child).
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGCHLD);
    signals.add(Signal::SIGTERM);
    if let Err(e) = signals.thread_block() {
        eprintln!("lab sandbox: cannot block signals: {e}");
        return ExitCode::from(125);
    }
    // The probe's child is this binary; a run's is the lab.
    let exe = std::env::current_exe().ok();
    let child_binary = if plan.probe {
        exe.clone()
    } else {
        plan.lab.clone()
    };
    let mut report = serde_json::Map::new();
    let namespaces = match plan.walls {
        Walls::Namespaces { user } => note(
            &mut report,
            "namespaces",
            enter_namespaces(user, plan.netns.as_deref()),
        ),
        Walls::Reap => note(&mut report, "namespaces", Err("not asked for".into())),
    };
    let rlimits = note(
        &mut report,
        "rlimits",
        set_rlimits(plan.cpu, plan.uid.is_some()),
    );
    // Without a PID namespace the lab could name this process (its parent) and signal it, were
    // they in one Landlock domain: there the lab's rules are raised by a stage of its own (see
    // [`stage`]), and its signal scope leaves this process out.
    let reap = plan.walls == Walls::Reap;
    let landlock = (!reap || plan.probe).then(|| {
        note(
            &mut report,
            "landlock",
            restrict(&plan.workdir, child_binary.as_deref()),
        )
    });
    if plan.probe {
        let Some(exe) = exe else {
            note(
                &mut report,
                "uid",
                Err("cannot find the launcher's own binary".into()),
            );
            println!("{}", serde_json::Value::Object(report));
            return ExitCode::SUCCESS;
        };
        // A child started as a lab is: PID 1 of the namespaces, when there are some.
        let seen = Command::new(exe)
            .arg(LAUNCHER)
            .arg("--whoami")
            .output()
            .ok()
            .filter(|output| output.status.success())
            .and_then(|output| serde_json::from_slice::<serde_json::Value>(&output.stdout).ok());
        match seen {
            Some(seen) if namespaces && seen["pid"] != 1 => {
                let why = format!("the lab was pid {} in its namespace, not 1", seen["pid"]);
                note(&mut report, "namespaces", Err(why));
            }
            Some(_) => {}
            None => {
                let why = "the launcher's child did not start".to_string();
                note(&mut report, "namespaces", Err(why));
            }
        }
        // Labs get their uid from std's spawn (setgroups, setgid, setuid): this process can
        // do the same, and is about to exit anyway.
        note(
            &mut report,
            "uid",
            match plan.uid {
                Some(uid) => drop_to(uid),
                None => Err("no uid given".into()),
            },
        );
        println!("{}", serde_json::Value::Object(report));
        return ExitCode::SUCCESS;
    }
    // A run must not go on with less than the probe promised.
    let promised_namespaces = matches!(plan.walls, Walls::Namespaces { .. });
    if !rlimits || (promised_namespaces && !namespaces) {
        eprintln!("lab sandbox: {}", serde_json::Value::Object(report));
        return ExitCode::from(125);
    }
    let _ = landlock;
    let Some(lab) = plan.lab else {
        eprintln!("lab sandbox: no lab to run");
        return ExitCode::from(125);
    };
    if reap {
        // Orphans of the lab — `setsid` ones too — come back to this process, which kills
        // them when the run is over.
        let _ = nix::sys::prctl::set_child_subreaper(true);
    }
    let mut command = match (reap, exe) {
        (true, Some(exe)) => {
            let mut stage = Command::new(exe);
            stage.arg(LAUNCHER).arg("--stage");
            stage.arg("--workdir").arg(&plan.workdir);
            if let Some(uid) = plan.uid {
                stage.arg("--uid").arg(uid.to_string());
            }
            stage.arg("--").arg(&lab);
            stage
        }
        (true, None) => {
            eprintln!("lab sandbox: cannot find the launcher's own binary");
            return ExitCode::from(125);
        }
        (false, _) => {
            let mut command = Command::new(&lab);
            // A uid of the run's own, with no groups (std drops them when root).
            if let Some(uid) = plan.uid {
                command.uid(uid).gid(uid);
            }
            command
        }
    };
    // A process group of its own: the lab's `kill(0)` reaches its own processes, never this one.
    command.process_group(0);
    let child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("lab sandbox: cannot start {}: {error}", lab.display());
            return ExitCode::from(125);
        }
    };
    supervise(child, reap, &signals)
}

/// `--stage`, without a PID namespace only: the lab's process before it becomes the lab. It
/// raises the Landlock rules in a domain of the lab's own — whose signal and abstract-socket
/// scope leave out the launcher, its parent — takes the run's uid, and execs the lab. (The
/// probe said whether Landlock holds here; a run goes on without it, as with namespaces.)
fn stage(plan: &Plan) -> ExitCode {
    let Some(lab) = &plan.lab else {
        eprintln!("lab sandbox: no lab to run");
        return ExitCode::from(125);
    };
    let _ = restrict(&plan.workdir, Some(lab));
    if let Some(uid) = plan.uid
        && let Err(why) = drop_to(uid)
    {
        eprintln!("lab sandbox: {why}");
        return ExitCode::from(125);
    }
    let error = Command::new(lab).exec();
    eprintln!("lab sandbox: cannot start {}: {error}", lab.display());
    ExitCode::from(125)
}

/// Records in `report` whether a wall went up (`KEY_on`) and its note or why not (`KEY`).
fn note(
    report: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    result: Result<String, String>,
) -> bool {
    let on = result.is_ok();
    report.insert(key.into(), result.unwrap_or_else(|e| e).into());
    report.insert(format!("{key}_on"), on.into());
    on
}

fn drop_to(uid: u32) -> Result<String, String> {
    use nix::unistd::{Gid, Uid, setgid, setgroups, setuid};
    setgroups(&[]).map_err(|e| format!("setgroups: {e}"))?;
    setgid(Gid::from_raw(uid)).map_err(|e| format!("setgid: {e}"))?;
    setuid(Uid::from_raw(uid)).map_err(|e| format!("setuid: {e}"))?;
    Ok(format!("{FIRST_UID}+"))
}

/// A new PID namespace for this process's children, and a new network namespace — or `netns`,
/// an empty one to join (a user namespace first, mapping this user to root in it, when `user`).
fn enter_namespaces(user: bool, netns: Option<&Path>) -> Result<String, String> {
    use nix::sched::{CloneFlags, setns, unshare};
    let (uid, gid) = (nix::unistd::getuid(), nix::unistd::getgid());
    let mut flags = CloneFlags::CLONE_NEWPID;
    match netns {
        Some(path) => {
            let namespace =
                std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
            setns(namespace, CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns: {e}"))?;
        }
        None => flags |= CloneFlags::CLONE_NEWNET,
    }
    if user {
        flags |= CloneFlags::CLONE_NEWUSER;
    }
    unshare(flags).map_err(|e| format!("unshare: {e}"))?;
    if user {
        let write = |path: &str, text: String| {
            std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))
        };
        // Older kernels have no setgroups file; writing the gid map needs it denied where they do.
        if Path::new("/proc/self/setgroups").exists() {
            write("/proc/self/setgroups", "deny".into())?;
        }
        write("/proc/self/uid_map", format!("0 {uid} 1"))?;
        write("/proc/self/gid_map", format!("0 {gid} 1"))?;
    }
    Ok(String::new())
}

/// Waits for the lab, or for the runner's SIGTERM (then kills the lab first); with `reap`, kills
/// whatever is left below this process afterwards. Exits as the lab did.
fn supervise(mut child: Child, reap: bool, signals: &SigSet) -> ExitCode {
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        // Anything else is SIGCHLD (the lab, or in `reap` mode an orphan of it, changed
        // state): look again.
        if let Ok(Signal::SIGTERM) = signals.wait() {
            // SIGKILL to the namespace's PID 1 ends every process in it.
            let _ = child.kill();
            break child.wait().ok();
        }
    };
    if reap {
        kill_descendants();
    }
    match status {
        Some(status) => exit_code(status),
        None => ExitCode::from(125),
    }
}

fn exit_code(status: ExitStatus) -> ExitCode {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        (None, Some(signal)) => ExitCode::from(u8::try_from(128 + signal).unwrap_or(255)),
        _ => ExitCode::from(1),
    }
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
fn restrict(workdir: &Path, lab: Option<&Path>) -> Result<String, String> {
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

/// Without a PID namespace, once the lab is over: kill every process left below this one
/// (orphans come back to a subreaper) and collect them, until the kernel says no child is left
/// (the list of children only says whom to kill; `ECHILD` says when it is over).
fn kill_descendants() {
    use nix::errno::Errno;
    use nix::sys::signal::kill;
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    use nix::unistd::Pid;
    let me = std::process::id();
    loop {
        for pid in children_of(me) {
            if let Ok(pid) = i32::try_from(pid) {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
            }
        }
        // Collect the dead (and whatever they reparented to us meanwhile).
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Err(Errno::ECHILD) => return,
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(_) => {}
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Where the kernel lists this (single-threaded) process's children, so that finding them does
/// not take a scan of all of /proc. Kernels built without it have only /proc to scan.
fn children_list() -> PathBuf {
    let me = std::process::id();
    let list = PathBuf::from(format!("/proc/{me}/task/{me}/children"));
    if list.is_file() {
        list
    } else {
        PathBuf::from("/proc")
    }
}

/// The processes whose parent is `parent` (this process).
fn children_of(parent: u32) -> Vec<u32> {
    let list = children_list();
    if list != Path::new("/proc") {
        return std::fs::read_to_string(list)
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|pid| pid.parse().ok())
            .collect();
    }
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
