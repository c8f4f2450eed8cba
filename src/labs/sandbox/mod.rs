//! The walls around one lab run (DESIGN.md §10), seen from aula: which protections this
//! machine allows, the command that starts a lab inside them, and how a run is ended early.
//!
//! A run is started as `aula-lab-sandbox [--namespaces] … -- LAB`: the launcher, its own small
//! binary (`src/bin/aula-lab-sandbox.rs`), or `aula __lab-sandbox` when that binary is not
//! beside aula. What the launcher does once started — namespaces, rlimits, Landlock, the lab's
//! process group, waiting and killing — is [`launcher`]'s. This module decides what to ask it
//! for: [`layers`] starts the launcher once with `--probe` and reads which walls it could
//! raise; [`command`] builds a run's launcher command with those walls (and, as root, a uid of
//! the run's own from a pool, and a shared empty network namespace); [`stop`] ends a run before
//! its lab is done (time limit, output cap) — SIGTERM to the launcher, which takes the lab's
//! namespace (or, as a subreaper, everything below it) down with it.
//!
//! Where a layer is not available (no user namespaces, an old kernel, not root), runs go on
//! without it, and [`Layers::summary`] says which protections are active. The launcher's
//! options and its `--probe` report are the only contract between the two sides: this module
//! never raises a wall on aula itself, and the launcher knows nothing of which layers were
//! probed. This module knows nothing of HTTP, manifests or the protocol: [`super::runner`]
//! feeds the lab and reads its answer.

mod launcher;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

pub(crate) use launcher::launch;

/// The hidden subcommand of the launcher.
pub(crate) const LAUNCHER: &str = "__lab-sandbox";

/// How long the runner waits for a launcher to end its run after SIGTERM before it kills the
/// launcher's process group itself (a backstop: the launcher answers at once).
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Runs as these uids when aula runs as root: one per concurrent run, so one run's process
/// limit (counted per uid by the kernel) is not another's, and no run can signal another.
const FIRST_UID: u32 = 2_147_400_000;
const UIDS: u32 = 256;

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
    // With namespaces first; without them when that fails (or when a test forces it).
    let modes: &[bool] = if std::env::var_os(FORCE_SUBREAPER).is_some() {
        &[false]
    } else {
        &[true, false]
    };
    for &namespaces in modes {
        layers.namespaces = namespaces;
        // As root, the probe's child gets the first uid of the pool (runs lease one each).
        let uid = root.then_some(FIRST_UID);
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
            layers.rlimits = Layer::Off("the launcher could not start".into());
            layers.landlock = Layer::Off("the launcher could not start".into());
            layers.uid = Layer::Off("the launcher could not start".into());
            layers.netns = Layer::Off("the launcher could not start".into());
            layers.pidns = Layer::Off("the launcher could not start".into());
            return layers;
        };
        let layer = |key: &str| match report[key].as_str() {
            Some(note) if report[format!("{key}_on")] == true => Layer::On(note.to_string()),
            Some(why) => Layer::Off(why.to_string()),
            None => Layer::Off("unknown".into()),
        };
        if namespaces && report["namespaces_on"] != true {
            let why = match layer("namespaces") {
                Layer::Off(why) if !root && why.contains("EPERM") => {
                    format!("no user namespaces for this user: {why}")
                }
                Layer::Off(why) => why,
                Layer::On(_) => "the lab was not PID 1".into(),
            };
            layers.netns = Layer::Off(why.clone());
            layers.pidns = Layer::Off(format!("{why}; a subreaper ends runs instead"));
            continue;
        }
        if !namespaces && modes.len() == 1 {
            let why = format!("{FORCE_SUBREAPER} is set");
            layers.netns = Layer::Off(why.clone());
            layers.pidns = Layer::Off(format!("{why}; a subreaper ends runs instead"));
        }
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

/// Set (to anything) in `aula`'s environment, runs skip the namespaces as if the kernel had
/// none: the subreaper path, for the tests that check it (`tests/labs_hostile.rs`).
pub(crate) const FORCE_SUBREAPER: &str = "AULA_TEST_SANDBOX_SUBREAPER";

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
    // Runs with a uid of their own share one empty network namespace (see `shared_netns`);
    // a lab that keeps aula's uid gets one of its own, where nothing it does reaches others.
    if lease.is_some()
        && layers.namespaces
        && !layers.user_namespace
        && let Some(netns) = shared_netns()
    {
        command.arg("--netns").arg(netns);
    }
    command.arg("--").arg(binary);
    Ok((command, lease))
}

/// The empty network namespace runs with a uid of their own share (root only): creating one
/// per run costs more than everything else a run does (a median 7 ms here), and with its
/// loopback down, Landlock's TCP rules and scoped abstract sockets, runs in it can reach nothing
/// — not even each other. A thread of this process made it and parks in it for the process's
/// life; launchers join it through that thread's /proc entry. `None` when it cannot be made.
fn shared_netns() -> Option<&'static Path> {
    static NETNS: OnceLock<Option<PathBuf>> = OnceLock::new();
    NETNS
        .get_or_init(|| {
            let (sender, receiver) = std::sync::mpsc::channel();
            std::thread::Builder::new()
                .name("aula-netns".into())
                .stack_size(64 * 1024)
                .spawn(move || {
                    let made = nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET);
                    let _ = sender.send(made.map(|()| nix::unistd::gettid()));
                    if made.is_ok() {
                        loop {
                            std::thread::park();
                        }
                    }
                })
                .ok()?;
            let tid = receiver.recv().ok()?.ok()?;
            Some(PathBuf::from(format!(
                "/proc/{}/task/{tid}/ns/net",
                std::process::id()
            )))
        })
        .as_deref()
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
    let mut command = Command::new(launcher());
    command.arg(LAUNCHER);
    if !layers.namespaces {
        command.arg("--reap");
    } else if layers.user_namespace {
        command.arg("--user-namespaces");
    } else {
        command.arg("--namespaces");
    }
    command.arg("--workdir").arg(workdir);
    // CPU seconds: the wall-clock limit, rounded up, plus one.
    command.arg("--cpu").arg((time.as_secs() + 2).to_string());
    if let Some(uid) = uid {
        command.arg("--uid").arg(uid.to_string());
    }
    command
}

/// Ends a run started by [`command`] before its lab is done (time limit, output cap): SIGTERM
/// to the launcher, which kills the lab's namespace (or, as a subreaper, everything below it)
/// and exits; then the launcher is collected. Should it not exit within [`STOP_GRACE`], its
/// process group is killed.
pub(crate) fn stop(child: &mut Child) {
    use nix::sys::signal::{kill, killpg};
    use nix::unistd::Pid;
    let Ok(pid) = i32::try_from(child.id()) else {
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    let pid = Pid::from_raw(pid);
    // A unit test runs its lab directly (see `command`): its group is all there is to kill.
    if cfg!(test) {
        let _ = killpg(pid, Signal::SIGKILL);
        let _ = child.wait();
        return;
    }
    let _ = kill(pid, Signal::SIGTERM);
    let deadline = Instant::now() + STOP_GRACE;
    loop {
        match child.try_wait() {
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Ok(None) => {
                let _ = killpg(pid, Signal::SIGKILL);
                let _ = child.wait();
                return;
            }
            Ok(Some(_)) | Err(_) => return,
        }
    }
}

/// The launcher's binary: `aula-lab-sandbox` beside this one when it is there (a tenth of
/// aula's size, so it starts faster for every run), else this binary (`aula __lab-sandbox`).
/// Both take the same arguments. Found once; `aula labs serve --check` prints it.
pub(crate) fn launcher() -> &'static Path {
    static LAUNCHER_BINARY: OnceLock<PathBuf> = OnceLock::new();
    LAUNCHER_BINARY.get_or_init(|| {
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
        let small = exe.with_file_name("aula-lab-sandbox");
        if small.is_file() { small } else { exe }
    })
}
