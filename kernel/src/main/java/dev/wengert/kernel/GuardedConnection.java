package dev.wengert.kernel;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.zeromq.ZMQ;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.Loop;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.Message;

/**
 * The kernel's Jupyter connection: basekernel's, with shell and control channels that drop a
 * message whose HMAC signature does not match instead of dying on it.
 *
 * <p>basekernel 2.3.0 verifies signatures (a mismatch throws {@link SecurityException} while
 * reading), but its channel loop has no error handler, so one forged or corrupt message ends
 * the loop and the kernel stops answering. Here the message is logged and ignored, nothing in
 * it is executed, and the channel keeps serving signed messages. Sockets bind to the address
 * in the connection file (Jupyter writes loopback unless told otherwise).
 */
final class GuardedConnection extends JupyterConnection {

    private static final Logger LOG = Logger.getLogger(GuardedConnection.class.getName());
    // how long one poll waits; bounds how quickly a closed channel notices
    private static final long POLL_MILLIS = 100;

    private final KernelConnectionProperties properties;
    private final ZMQ.Context context = ZMQ.context(1);
    private final GuardedShellChannel guardedShell;
    private final GuardedShellChannel guardedControl;

    /** Prepares (but does not bind) the sockets described by a connection file. */
    GuardedConnection(KernelConnectionProperties properties) throws NoSuchAlgorithmException, InvalidKeyException {
        super(properties);
        this.properties = properties;
        this.guardedShell = new GuardedShellChannel(context, properties, false, this);
        this.guardedControl = new GuardedShellChannel(context, properties, true, this);
    }

    @Override
    public void connect() {
        // basekernel's own shell and control sockets stay unbound; ours take their ports
        heartbeat.bind(properties);
        iopub.bind(properties);
        stdin.bind(properties);
        guardedShell.bind(properties);
        guardedControl.bind(properties);
    }

    @Override
    public void close() {
        guardedShell.close();
        guardedControl.close();
        super.close();
    }

    @Override
    public void waitUntilClose() {
        guardedShell.waitUntilClose();
        guardedControl.waitUntilClose();
        super.waitUntilClose();
        // only now: terminating a context waits for its sockets, which their loops close
        context.close();
    }

    /** A shell or control channel whose loop survives bad messages. */
    private static final class GuardedShellChannel extends ShellChannel {
        private final boolean control;
        private final JupyterConnection connection;
        private volatile Loop loop;

        GuardedShellChannel(ZMQ.Context context, KernelConnectionProperties properties, boolean control,
                JupyterConnection connection) throws NoSuchAlgorithmException, InvalidKeyException {
            super(context, properties.createHMACGenerator(), control, connection);
            this.control = control;
            this.connection = connection;
        }

        @Override
        public void bind(KernelConnectionProperties properties) {
            int port = control ? properties.getControlPort() : properties.getShellPort();
            String address = formatAddress(properties.getTransport(), properties.getIp(), port);
            bind(address);
            ZMQ.Poller poller = ctx.poller(1);
            poller.register(this, ZMQ.Poller.POLLIN);
            String name = (control ? "control" : "shell") + " channel";
            Loop channelLoop = new Loop(name, () -> {
                if (poller.poll(POLL_MILLIS) > 0) {
                    serveOne();
                }
                return 0;
            });
            channelLoop.onError(error -> {
                LOG.log(Level.WARNING, name + ": " + error, error);
                return 0; // keep serving
            });
            // a ZeroMQ socket belongs to one thread: the loop closes its own socket when it ends
            channelLoop.onClose(super::close);
            loop = channelLoop;
            channelLoop.start();
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private void serveOne() {
            Message<?> message;
            try {
                message = readMessage();
            } catch (SecurityException e) {
                LOG.warning("dropped a message with a wrong or missing HMAC signature");
                return;
            } catch (RuntimeException e) {
                LOG.warning("dropped a malformed message: " + e);
                return;
            }
            ShellHandler handler = connection.getHandler(message.getHeader().getType());
            if (handler == null) {
                LOG.fine("no handler for " + message.getHeader().getType().getName());
                return;
            }
            ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
            try {
                handler.handle(env, message);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "failed to handle " + message.getHeader().getType().getName(), e);
            } finally {
                env.resolveDeferrals();
            }
            if (env.isMarkedForShutdown()) {
                connection.close();
            }
        }

        @Override
        public void close() {
            Loop current = loop;
            if (current != null) {
                current.shutdown();
            } else {
                super.close();
            }
        }

        @Override
        public void waitUntilClose() {
            Loop current = loop;
            if (current != null && current != Thread.currentThread()) {
                try {
                    current.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
