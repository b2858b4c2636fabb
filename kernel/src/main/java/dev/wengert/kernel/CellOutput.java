package dev.wengert.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's {@code System.out} and {@code System.err}: what a cell prints is coalesced into
 * few stream messages and capped per cell.
 *
 * <p>basekernel's own streams autoflush, so every {@code println} became one iopub message: a
 * cell printing 10⁶ lines sent 10⁶ signed messages, ZeroMQ dropped what the client could not
 * take (iopub is PUB/SUB with a high-water mark of 1000) and with them, at times, the
 * {@code idle} status that ends the cell, so the client waited forever. Here output is buffered
 * and sent in chunks of at most {@value #CHUNK_BYTES} bytes, at the latest
 * {@value #FLUSH_MILLIS} ms after it was written (and before any {@code display(...)} and at the
 * end of the cell, so order is kept). A cell shows at most {@code maxBytes} bytes of stdout and
 * stderr together (WENGERT_MAX_OUTPUT_BYTES, default 1 MiB: a browser and nbconvert stay fast);
 * the rest is counted, not sent, and the cell ends with a note on stderr saying how much was
 * left out. Outside a cell (JShell's start, threads a cell left running) output goes to the
 * kernel's own stdout and stderr, the terminal that runs Jupyter.
 */
final class CellOutput {

    /** Largest stream message sent. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** Longest time printed text waits before it is sent. */
    static final long FLUSH_MILLIS = 100;

    private final Object lock = new Object();
    private final long maxBytes;
    private final PrintStream originalOut;
    private final PrintStream originalErr;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final ScheduledExecutorService flusher;
    private PrintStream pendingTarget; // which of the cell's streams the pending bytes are for
    private PrintStream cellOut; // non-null while a cell runs
    private PrintStream cellErr;
    private long shown;
    private long droppedBytes;
    private long droppedLines;

    /** Prints to stdout of the running cell. */
    final PrintStream out;
    /** Prints to stderr of the running cell. */
    final PrintStream err;

    /**
     * @param maxBytes output bytes a cell may show; negative: no limit
     * @param originalOut where output goes while no cell runs
     * @param originalErr where error output goes while no cell runs
     */
    CellOutput(long maxBytes, PrintStream originalOut, PrintStream originalErr) {
        this(maxBytes, originalOut, originalErr, FLUSH_MILLIS);
    }

    /** As above; tests pass a long {@code flushMillis} to see only size-driven chunks. */
    CellOutput(long maxBytes, PrintStream originalOut, PrintStream originalErr, long flushMillis) {
        this.maxBytes = maxBytes;
        this.originalOut = originalOut;
        this.originalErr = originalErr;
        this.out = new PrintStream(new Sink(false), true);
        this.err = new PrintStream(new Sink(true), true);
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wengert-output");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    }

    /** A cell starts: its output goes to {@code cellOut} and {@code cellErr} (basekernel's streams). */
    void begin(PrintStream cellOut, PrintStream cellErr) {
        synchronized (lock) {
            this.cellOut = cellOut;
            this.cellErr = cellErr;
            pending.reset();
            pendingTarget = null;
            shown = 0;
            droppedBytes = 0;
            droppedLines = 0;
        }
    }

    /** The cell ends: sends what is pending and the note about output left out, then detaches. */
    void end() {
        synchronized (lock) {
            flushLocked();
            if (droppedBytes > 0 && cellErr != null) {
                cellErr.print(String.format("%n[output truncated: a cell shows at most %,d bytes of output; "
                        + "%,d more bytes (%,d lines) were not shown. Write large output to a file, "
                        + "or raise WENGERT_MAX_OUTPUT_BYTES in the kernel's environment.]%n",
                        maxBytes, droppedBytes, droppedLines));
            }
            cellOut = null;
            cellErr = null;
        }
    }

    /** Stops the timer; output still reaches the kernel's own streams. */
    void close() {
        end();
        flusher.shutdownNow();
    }

    /** Sends pending output now (before a display, so the notebook shows things in order). */
    void flush() {
        synchronized (lock) {
            flushLocked();
        }
    }

    private void flushLocked() {
        if (pending.size() > 0 && pendingTarget != null) {
            byte[] bytes = pending.toByteArray();
            pending.reset();
            // basekernel's streams autoflush: one write is one stream message
            pendingTarget.write(bytes, 0, bytes.length);
        }
        pending.reset();
    }

    private void write(boolean error, byte[] bytes, int offset, int length) {
        synchronized (lock) {
            PrintStream target = error ? cellErr : cellOut;
            if (target == null) {
                (error ? originalErr : originalOut).write(bytes, offset, length);
                return;
            }
            int room = maxBytes < 0 ? length : (int) Math.max(0, Math.min(length, maxBytes - shown));
            if (room < length) {
                droppedBytes += length - room;
                for (int i = offset + room; i < offset + length; i++) {
                    if (bytes[i] == '\n') {
                        droppedLines++;
                    }
                }
            }
            if (room == 0) {
                return;
            }
            if (pendingTarget != target) {
                flushLocked(); // keep stdout and stderr interleaved as written
                pendingTarget = target;
            }
            shown += room;
            int at = offset;
            int left = room;
            while (left > 0) {
                int part = Math.min(left, CHUNK_BYTES - pending.size());
                // a message must not end inside a UTF-8 sequence: each is decoded on its own
                while (part > 0 && part < left && (bytes[at + part] & 0xC0) == 0x80) {
                    part--;
                }
                if (part == 0) {
                    if (pending.size() > 0) {
                        flushLocked();
                        continue;
                    }
                    part = Math.min(left, CHUNK_BYTES);
                }
                pending.write(bytes, at, part);
                at += part;
                left -= part;
                if (left > 0 || pending.size() >= CHUNK_BYTES) {
                    flushLocked();
                }
            }
        }
    }

    /** One of the two streams; flush() does nothing, the chunking and the timer send. */
    private final class Sink extends OutputStream {
        private final boolean error;

        Sink(boolean error) {
            this.error = error;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            CellOutput.this.write(error, bytes, offset, length);
        }
    }
}
