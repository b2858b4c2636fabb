package dev.wengert.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CellOutputTest {

    /** Records every write as one message, as basekernel's autoflushing streams send them. */
    private static final class Messages extends OutputStream {
        final List<String> sent = new ArrayList<>();
        final String name;
        final List<String> both;

        Messages(String name, List<String> both) {
            this.name = name;
            this.both = both;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sent.add(name + ":" + new String(b, off, len, StandardCharsets.UTF_8));
            both.add(sent.get(sent.size() - 1));
        }
    }

    private final List<String> both = new ArrayList<>();
    private final Messages out = new Messages("out", both);
    private final Messages err = new Messages("err", both);
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();

    private CellOutput output(long max) {
        PrintStream log = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        CellOutput output = new CellOutput(max, log, log, TimeUnit.DAYS.toMillis(1));
        output.begin(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return output;
    }

    @Test
    void linesAreCoalescedIntoChunksAndAllArriveInOrder() {
        CellOutput output = output(-1);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            output.out.println(i);
            expected.append(i).append(System.lineSeparator());
        }
        output.end();
        StringBuilder got = new StringBuilder();
        out.sent.forEach(m -> got.append(m.substring("out:".length())));
        assertEquals(expected.toString(), got.toString());
        assertTrue(out.sent.size() <= expected.length() / CellOutput.CHUNK_BYTES + 2, "messages: " + out.sent.size());
    }

    @Test
    void outputBeyondTheLimitIsCountedAndNoted() {
        CellOutput output = output(10);
        output.out.print("0123456789abc\nd\n");
        output.end();
        assertEquals(List.of("out:0123456789"), out.sent);
        assertEquals(1, err.sent.size());
        assertTrue(err.sent.get(0).contains("at most 10 bytes of output; 6 more bytes (2 lines) were not shown"),
                err.sent.get(0));
        // the next cell starts with a fresh allowance
        output.begin(new PrintStream(out, true), new PrintStream(err, true));
        output.out.print("again");
        output.end();
        assertEquals("out:again", out.sent.get(1));
    }

    @Test
    void stdoutAndStderrStayInterleaved() {
        CellOutput output = output(-1);
        output.out.print("a");
        output.err.print("b");
        output.out.print("c");
        output.end();
        assertEquals(List.of("out:a", "err:b", "out:c"), both);
    }

    @Test
    void aChunkNeverEndsInsideAUtf8Sequence() {
        CellOutput output = output(-1);
        String text = "é".repeat(CellOutput.CHUNK_BYTES); // two bytes each, so some cut lands mid-character
        output.out.print(text);
        output.end();
        StringBuilder got = new StringBuilder();
        for (String m : out.sent) {
            assertTrue(!m.contains("\uFFFD"), "a message was cut inside a character");
            got.append(m.substring("out:".length()));
        }
        assertEquals(text, got.toString());
    }

    @Test
    void outsideACellOutputGoesToTheKernelsOwnStreams() {
        CellOutput output = output(-1);
        output.end();
        output.out.print("late");
        output.out.flush();
        assertEquals("late", terminal.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), out.sent);
    }
}
