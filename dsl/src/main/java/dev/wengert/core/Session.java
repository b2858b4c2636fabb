package dev.wengert.core;


import java.util.ArrayDeque;

/**
 * The differentiation state of one user: the current {@link Mode}, the implicit tape, the
 * forward-mode tag, and private tapes lent to the functional API.
 *
 * <p>A session is bound to one thread; values recorded in it may only be used on that thread,
 * and using them elsewhere is a clear error rather than a race. JShell's {@code jshell} tool
 * runs every snippet on one thread, so this is invisible there. A host that must move the user
 * to another thread (a notebook kernel replacing a stopped evaluation thread) captures the
 * session with {@link #current()} and calls {@link #bindToCurrentThread()} on the new thread,
 * so earlier parameters and tapes stay valid.
 *
 * <pre>{@code
 * Session s = Session.current();          // on the old thread
 * // ... on the new thread:
 * s.bindToCurrentThread();
 * }</pre>
 */
public final class Session {
    /** The implicit tape warns once when it reaches this many operations (about 0.4 GB). */
    public static final long DEFAULT_WARN_AT = 10_000_000L;

    private static final ThreadLocal<Session> CURRENT = ThreadLocal.withInitial(Session::new);
    private static final java.util.concurrent.atomic.AtomicLong LEVELS = new java.util.concurrent.atomic.AtomicLong();

    /** A new nesting level: every differentiation (tape, forward tag) started later gets a higher one. */
    static long nextLevel() {
        return LEVELS.incrementAndGet();
    }

    private volatile Thread owner = Thread.currentThread();
    private Mode mode = Mode.REVERSE;
    private boolean checkNonFinite;
    private long warnAt = DEFAULT_WARN_AT;
    private Tape tape;
    private ForwardTag forward;
    private int resets;
    private final ArrayDeque<Tape> spareTapes = new ArrayDeque<>();

    private Session() {
        newImplicit();
    }

    /** The session of the calling thread, created on first use. */
    public static Session current() {
        return CURRENT.get();
    }

    /**
     * Moves this session to the calling thread: from now on its values are used here, and the
     * thread it came from no longer owns it.
     */
    public void bindToCurrentThread() {
        owner = Thread.currentThread();
        CURRENT.set(this);
    }

    /** The thread that owns this session. */
    public Thread owner() {
        return owner;
    }

    /** Throws unless the calling thread owns this session; {@code what} names the value. */
    void checkThread(String what) {
        Thread t = Thread.currentThread();
        if (t != owner) {
            throw new WengertException(what + " belongs to thread '" + owner.getName()
                    + "' but is used on thread '" + t.getName() + "'. Each thread records on its own tape: "
                    + "create parameters on the thread that uses them, or call the functional API "
                    + "(gradient(f, x), jacobian(f, x)), which is safe from any thread.");
        }
    }

    public Mode mode() {
        return mode;
    }

    public void mode(Mode m) {
        if (m == null) {
            throw new IllegalArgumentException("mode(null): choose Mode.FORWARD or Mode.REVERSE");
        }
        this.mode = m;
    }

    /**
     * A new parameter in this session's current mode: on the implicit tape (reverse mode) or
     * with its own tangent slot (forward mode). The facade's {@code param(name, value)}.
     */
    public Num param(String name, double value) {
        return mode == Mode.REVERSE ? Num.reverseParameter(tape, name, value) : Num.forwardParameter(forward, name, value);
    }

    /** The implicit tape of reverse mode. */
    public Tape tape() {
        return tape;
    }

    /** The tag of implicit forward mode. */
    ForwardTag forwardTag() {
        return forward;
    }

    /**
     * Discards the implicit tape and the forward tag and starts fresh ones. Values of the old
     * ones are refused from now on, with an error that names them.
     */
    public void reset() {
        tape.close();
        forward.close();
        resets++;
        newImplicit();
    }

    private void newImplicit() {
        String n = resets == 0 ? "the implicit tape" : "the implicit tape (after " + resets + " reset"
                + (resets == 1 ? "" : "s") + ")";
        tape = new Tape(this, n, true, warnAt);
        forward = new ForwardTag(this, "implicit forward mode");
    }

    /** How many times {@link #reset()} ran. */
    public int resets() {
        return resets;
    }

    public boolean checkNonFinite() {
        return checkNonFinite;
    }

    public void checkNonFinite(boolean on) {
        this.checkNonFinite = on;
    }

    /** Sets the size at which the implicit tape warns (once). */
    public void warnAt(long nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("tapeWarning(" + nodes + "): the size must be at least 1 operation");
        }
        this.warnAt = nodes;
        tape.warnAt(nodes);
    }

    /** Lends a private, empty tape to one functional call (nested calls get their own). */
    Tape borrowTape(String label) {
        Tape t = spareTapes.poll();
        if (t == null) {
            t = new Tape(this, label, false, Long.MAX_VALUE);
        }
        t.begin();
        return t;
    }

    /** Takes a private tape back; it is rewound so its values can no longer be used. */
    void returnTape(Tape t) {
        t.rewind();
        if (spareTapes.size() < 4) {
            spareTapes.push(t);
        }
    }
}
