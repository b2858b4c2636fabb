"""Drives the installed Wengert kernel through Debian's jupyter_client, for KernelIT.

usage: /usr/bin/python3 kernel_driver.py KERNEL_NAME SCENARIO...
Runs the scenarios in order against one kernel (starting it costs seconds) and prints one
JSON object, scenario name -> what the kernel answered; the Java test asserts on it.
Waits are bounded by generous timeouts that only guard against a hung kernel.
"""
import json
import os
import signal
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

TIMEOUT = 120  # seconds; a safety net, never a pass/fail condition


def start(name):
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def collect(kc, msg_id):
    """iopub messages of one request, until the kernel goes idle for it."""
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status":
            if msg["content"]["execution_state"] == "idle":
                return outputs
            continue
        if kind == "execute_input":
            continue
        outputs.append({"type": kind, "content": msg["content"]})


def reply_to(kc, msg_id):
    while True:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def execute(kc, code):
    msg_id = kc.execute(code)
    reply = reply_to(kc, msg_id)
    return {"reply": reply, "outputs": collect(kc, msg_id)}


def basics(km, kc):
    result = {}
    result["sum"] = execute(kc, "1 + 1")
    # the session warmed up while the kernel started (a count, not a time)
    result["warm_ups"] = execute(kc, "dev.wengert.repl.Evaluator.warmUps()")
    result["dsl_warm_ups"] = execute(kc, "dev.wengert.repl.Evaluator.dslWarmUps()")
    result["tape_after_warm_up"] = execute(kc, "tape().size()")
    result["let"] = execute(kc, "let greeting = \"hello\";\ngreeting.length()")
    result["stream"] = execute(kc, 'System.out.println("to stdout");\nSystem.err.println("to stderr");')
    result["svg"] = execute(kc, "dev.wengert.display.Displayable d = () -> java.util.Map.of(\"text/plain\", \"x\", "
                                "\"image/svg+xml\", \"<svg xmlns='http://www.w3.org/2000/svg'/>\");\nd")
    result["display"] = execute(kc, 'String line = updatableDisplay("step 0");\n'
                                     'for (int i = 1; i <= 3; i++) updateDisplay(line, "step " + i);\n'
                                     'display("shown mid-cell");\n42')
    result["compile_error"] = execute(kc, "int fine = 1;\nint broken = undefinedName + 1;")
    result["exception"] = execute(kc, "int divide(int a, int b) {\n    return a / b;\n}\n\ndivide(1, 0)")
    result["after_errors"] = execute(kc, "fine")
    execute(kc, 'String word = "x";')  # completion sees what earlier cells declared
    msg_id = kc.complete("int y = 1;\nword.toUpp", len("int y = 1;\nword.toUpp"))
    result["complete"] = reply_to(kc, msg_id)
    msg_id = kc.inspect("Math.abs(-1)", 6)
    result["inspect"] = reply_to(kc, msg_id)
    # Shift-Tab at the end of a bare DSL name: its javadoc, from the sources jar the kernel ships
    msg_id = kc.inspect("var r = minimize", len("var r = minimize"), detail_level=0)
    result["inspect_bare_name"] = reply_to(kc, msg_id)
    msg_id = kc.complete("var r = minimiz", len("var r = minimiz"))
    result["complete_bare_name"] = reply_to(kc, msg_id)
    for name, code in [("complete_code", "1 + 1"), ("incomplete_code", "for (int i = 0; i < 3; i++) {"),
                       ("complete_let", "let x = 1;")]:
        msg_id = kc.is_complete(code)
        result[name] = reply_to(kc, msg_id)
    result["kernel_info"] = reply_to(kc, kc.kernel_info())
    return result


def rich(km, kc):
    """Rich display of DSL values and tablesaw tables; what plots send, per plot and globally."""
    result = {}
    result["table"] = execute(kc, 'Table.create("decay", DoubleColumn.create("t", 0, 1, 2), '
                                  'DoubleColumn.create("y", 10.2, 6.1, 3.6))')
    result["big_table"] = execute(kc, 'Table.create("big", IntColumn.indexColumn("id", 1_000_000, 0))')
    result["tensor"] = execute(kc, "tensor(new double[] {1, 2, 3, 4}, 2, 2)")
    execute(kc, "var run = minimize(v -> square(v[0].minus(3)).plus(square(v[1].plus(1))), 0.0, 0.0);")
    result["history"] = execute(kc, "run.history()")
    result["history_table"] = execute(kc, "run.historyTable()")
    result["history_size"] = execute(kc, "run.history().size()")
    result["plot"] = execute(kc, "line(new double[] {0, 1}, new double[] {1, 0})")
    result["plot_png"] = execute(kc, 'line(new double[] {0, 1}, new double[] {1, 0}).mime("png")')
    result["global_svg"] = execute(kc, 'plotMime("svg");\nline(new double[] {0, 1}, new double[] {1, 0})')
    execute(kc, 'plotMime("html", "png");')
    result["million"] = execute(kc, "var rnd = new Random(1);\n"
                                    "double[] bx = new double[1_000_000], by = new double[1_000_000];\n"
                                    "for (int i = 0; i < bx.length; i++) { bx[i] = rnd.nextGaussian(); "
                                    "by[i] = bx[i] + rnd.nextGaussian(); }\n"
                                    "scatter(bx, by)")
    return result


def interrupt(km, kc):
    result = {}
    result["session_class"] = execute(kc, "Class.forName(\"dev.wengert.core.Session\") != null")
    has_session = result["session_class"]["reply"]["status"] == "ok"
    if has_session:
        execute(kc, "Object sessionBefore = dev.wengert.core.Session.current();")
    result["keep"] = execute(kc, "int keep = 42;")
    execute(kc, "boolean started = false;")
    for name, code in [("loop", "while (true) {}"), ("sleep", "Thread.sleep(1_000_000);")]:
        msg_id = kc.execute(code)
        reply = None
        while reply is None:
            # repeat: an interrupt that lands before the cell starts running does nothing
            km.interrupt_kernel()
            try:
                msg = kc.get_shell_msg(timeout=1)
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg["content"]
            except Exception:  # queue.Empty: still running
                pass
        result[name] = {"reply": reply, "outputs": collect(kc, msg_id)}
        result[name + "_then"] = execute(kc, "1 + 1")
        result[name + "_keep"] = execute(kc, "keep")
    if has_session:
        result["same_session"] = execute(kc, "dev.wengert.core.Session.current() == sessionBefore")
    # an optimizer on a slow function, interrupted once it runs (it prints when it starts): it
    # returns its best point, and `slow` is bound to it
    result["minimize"] = interrupted_once_running(
        km, kc, 'let slow = minimize(x -> { if (!started) { started = true; System.out.println("running"); } '
                'return square(x[0].minus(3)); }, new double[] {0}, '
                'gradientDescent(1e-9).maxIterations(Integer.MAX_VALUE).progress(false));\n'
                'int afterSlow = 1;', "running")
    result["minimize_reason"] = execute(kc, "slow.reason()")
    result["minimize_after"] = execute(kc, "afterSlow")
    # a fit whose model never returns once it runs: the interrupt stops the cell with an error,
    # `stuck` gets no result, and the next fit in the same session works
    execute(kc, "boolean fitStarted = false;")
    result["fit"] = interrupted_once_running(
        km, kc, 'let stuck = fit1((p, t) -> { if (!fitStarted) { fitStarted = true; System.out.println("fitting"); } '
                'while (true) Thread.onSpinWait(); }, new double[] {0, 1, 2}, new double[] {1, 3, 5}, 1, 0);', "fitting")
    result["fit_stuck"] = execute(kc, "stuck")
    result["fit_keep"] = execute(kc, "keep")
    result["fit_again"] = execute(kc, "var line = fit1((p, t) -> p[0].times(t).plus(p[1]), new double[] {0, 1, 2}, "
                                      "new double[] {1, 3, 5}, 0, 0);\n"
                                      "Math.abs(line.parameter(\"b1\") - 2) < 1e-12 && Math.abs(line.parameter(\"b2\") - 1) < 1e-12")
    # a fit whose model waits for the interrupt, then returns: the fit ends at its best point
    # with the reason "interrupted", `slowFit` is bound to it, and the rest of the cell does not run
    execute(kc, "boolean released = false; boolean slowFitStarted = false;")
    result["fit_bound"] = interrupted_once_running(
        km, kc, 'let slowFit = fit1((p, t) -> { if (!slowFitStarted) { slowFitStarted = true; '
                'System.out.println("fitting slowly"); } while (!released) { '
                'if (Thread.currentThread().isInterrupted()) released = true; else Thread.onSpinWait(); } '
                'return p[0].times(t).plus(p[1]); }, new double[] {0, 1, 2}, new double[] {1, 3, 5}, 0, 0);\n'
                'int afterSlowFit = 1;', "fitting slowly")
    result["fit_bound_reason"] = execute(kc, "slowFit.reason()")
    result["fit_bound_converged"] = execute(kc, "slowFit.converged()")
    result["fit_bound_after"] = execute(kc, "afterSlowFit")
    return result


def interrupted_once_running(km, kc, code, marker):
    """Runs code, waits until it prints marker, then interrupts it until its reply comes."""
    msg_id = kc.execute(code)
    outputs = []
    while not any(o["type"] == "stream" and marker in o["content"].get("text", "") for o in outputs):
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] not in ("status", "execute_input"):
            outputs.append({"type": msg["msg_type"], "content": msg["content"]})
    reply = None
    while reply is None:
        km.interrupt_kernel()
        try:
            msg = kc.get_shell_msg(timeout=1)
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg["content"]
        except Exception:  # queue.Empty: still running
            pass
    return {"reply": reply, "outputs": outputs + collect(kc, msg_id)}


def memory(km, kc):
    result = {"keep": execute(kc, "int keep = 42;")}
    result["huge_array"] = execute(kc, "long[] huge = new long[Integer.MAX_VALUE - 8];")
    result["heap"] = execute(kc, "var hoard = new ArrayList<long[]>();\nwhile (true) hoard.add(new long[1 << 20]);")
    result["after_heap"] = execute(kc, "1 + 1")
    result["heap_keep"] = execute(kc, "keep")
    # the cell's own variable still holds what it filled the heap with, until the user drops it
    result["hoard_kept"] = execute(kc, "hoard.size() > 0")
    execute(kc, "hoard = null;")
    result["stack"] = execute(kc, "int down(int n) { return down(n + 1) + 1; }\ndown(0)")
    result["after_stack"] = execute(kc, "2 + 2")
    result["stack_keep"] = execute(kc, "keep")
    return result


def maven(km, kc):
    """%maven and %%loadFromPOM against the repository $WENGERT_MAVEN_REPOSITORIES names (a folder KernelIT made)."""
    result = {"maven": execute(kc, '%maven com.example:greet:1.0\ngreet.Greeter.greet("kernel")')}
    result["pom"] = execute(kc, "%%loadFromPOM\n<dependency><groupId>com.example</groupId><artifactId>words</artifactId>"
                                "<version>1.0</version></dependency>")
    result["missing"] = execute(kc, "%maven com.example:missing:2.0")
    result["after"] = execute(kc, "words.Words.hello()")
    return result


def flood(km, kc):
    """10^6 printed lines: the cell ends, its output arrives capped, the kernel goes on."""
    result = {"keep": execute(kc, "int keep = 42;")}
    result["flood"] = execute(kc, "for (int i = 0; i < 1_000_000; i++) System.out.println(i);")
    result["after"] = execute(kc, "1 + 1")
    result["after_keep"] = execute(kc, "keep")
    # a later, small cell prints everything again: the cap is per cell
    result["small"] = execute(kc, 'System.out.println("small");')
    return result


def system_exit(km, kc):
    """System.exit in a cell is refused; the kernel process and its variables stay."""
    result = {"keep": execute(kc, "int keep = 42;")}
    pid = km.provisioner.process.pid
    result["exit"] = execute(kc, "System.exit(0);")
    result["halt"] = execute(kc, "Runtime.getRuntime().halt(3);")
    result["after"] = execute(kc, "1 + 1")
    result["after_keep"] = execute(kc, "keep")
    result["same_process"] = km.is_alive() and km.provisioner.process.pid == pid
    return result


def kill(km, kc):
    """SIGKILL of the kernel's JVM, then a restart through the client: a fresh kernel."""
    result = {"keep": execute(kc, "int keep = 42;")}
    process = km.provisioner.process
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=TIMEOUT)  # until the process is gone; a safety bound, not a condition
    result["alive_after_kill"] = km.is_alive()
    km.restart_kernel(now=True)
    kc.wait_for_ready(timeout=TIMEOUT)
    result["new_process"] = km.provisioner.process.pid != process.pid
    result["after"] = execute(kc, "1 + 1")
    result["after_keep"] = execute(kc, "keep")
    return result


def signature(km, kc):
    marker = os.path.join(tempfile.mkdtemp(), "forged-cell-ran")
    code = 'new java.io.File("%s").createNewFile();' % marker
    socket = kc.shell_channel.socket
    for key in (b"not-the-key", b""):
        forger = Session(key=key, username=kc.session.username)
        forger.send(socket, forger.msg("execute_request", content={
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True}))
    # a signed request behind the forged ones: when it is answered, they have been handled
    checked = execute(kc, 'new java.io.File("%s").exists()' % marker)
    return {"marker_exists_in_kernel": checked, "marker_exists": os.path.exists(marker)}


def restart(km, kc):
    result = {"define": execute(kc, "int kept = 41;")}
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    result["after_restart"] = execute(kc, "kept")
    result["fresh"] = execute(kc, "1 + 1")
    return result


def cells(km, kc):
    """The cells of the file named by $WENGERT_CELLS, split at its '// ---- cell' lines (the
    text before the first is the file's header); FrontEndsIT runs the same cells in ./wengert."""
    with open(os.environ["WENGERT_CELLS"]) as f:
        chunks = f.read().split("\n// ---- cell\n")[1:]
    return {"executions": [execute(kc, chunk.rstrip("\n")) for chunk in chunks]}


def kernel_cpu_seconds(km):
    """CPU time the kernel process used so far (Linux): a figure a busy machine inflates less."""
    with open("/proc/%d/stat" % km.provisioner.process.pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench(km, kc):
    cpu_at_ready = kernel_cpu_seconds(km)
    t = time.perf_counter()
    execute(kc, "1 + 1")  # the first cell also waits for JShell's start and warms the compiler
    first = time.perf_counter() - t
    cpu_at_first = kernel_cpu_seconds(km)
    # the first cell that uses the DSL: loads its classes (the warm-up cell does not touch them)
    t = time.perf_counter()
    execute(kc, "derivative(x -> sin(x).times(x), 1.0)")
    first_dsl = time.perf_counter() - t
    times = []
    cpu_before = kernel_cpu_seconds(km)
    for i in range(30):
        t = time.perf_counter()
        execute(kc, "1 + %d" % i)
        times.append(time.perf_counter() - t)
    times.sort()
    cpu_per_cell = (kernel_cpu_seconds(km) - cpu_before) / 30
    return {"kernel_cpu_ms_until_ready": 1000 * cpu_at_ready, "kernel_cpu_ms_until_first_result": 1000 * cpu_at_first,
            "kernel_cpu_ms_per_trivial_cell": 1000 * cpu_per_cell,
            "first_cell_ms": 1000 * first, "first_dsl_cell_ms": 1000 * first_dsl, "round_trip_ms_median": 1000 * times[len(times) // 2],
            "round_trip_ms_min": 1000 * times[0]}


SCENARIOS = {f.__name__: f for f in (basics, rich, interrupt, memory, flood, system_exit, signature, restart, kill, bench,
                                     cells, maven)}


def main():
    name, scenarios = sys.argv[1], sys.argv[2:]
    began = time.perf_counter()
    km, kc = start(name)
    ready = time.perf_counter() - began
    results = {}
    try:
        for scenario in scenarios:
            results[scenario] = SCENARIOS[scenario](km, kc)
        if "bench" in results:
            results["bench"]["start_to_ready_ms"] = 1000 * ready
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
