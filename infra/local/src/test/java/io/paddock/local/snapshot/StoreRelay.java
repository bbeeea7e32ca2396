package io.paddock.local.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of one store, whose open connections can be made dead the way a
 * SnapStart restore makes them: silently. A connection a restored copy inherits from its snapshot is one the
 * store never had — bytes written into it get no answer and nothing closes it — so a client that still uses
 * one waits until its own timeout. {@link #cutOpenConnectionsSilently()} does that to every connection open
 * at that moment: from then on it carries nothing either way and is never closed from this side (its store
 * side is closed, as the store forgets the session), and every byte the client still sends into it is
 * counted ({@link #bytesSentIntoCutConnections()}), which is how a test sees a stale connection used.
 * New connections are relayed as usual.
 */
final class StoreRelay implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final int targetPort;
    private final ServerSocket server;
    private final List<Relayed> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicLong sentIntoCut = new AtomicLong();
    private volatile boolean closed;

    StoreRelay(String name, int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, LOOPBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "relay-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections clients opened through the relay so far. */
    int connectionsOpened() {
        return opened.get();
    }

    /** Connections open now that were not cut. */
    long liveConnections() {
        return open.stream().filter(r -> !r.cut).count();
    }

    /** Every connection open now goes dead without being closed; returns how many. */
    int cutOpenConnectionsSilently() {
        int n = 0;
        for (Relayed r : open) {
            if (!r.cut) {
                r.cut = true;
                closeQuietly(r.store);
                n++;
            }
        }
        return n;
    }

    /** Bytes clients wrote into connections after they were cut: each is a request sent on a stale connection. */
    long bytesSentIntoCutConnections() {
        return sentIntoCut.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket store = new Socket();
                try {
                    store.connect(new InetSocketAddress(LOOPBACK, targetPort), 5_000);
                } catch (IOException storeDown) {
                    closeQuietly(client);
                    closeQuietly(store);
                    continue;
                }
                Relayed r = new Relayed(client, store);
                open.add(r);
                opened.incrementAndGet();
                pump(r, client, store, true);
                pump(r, store, client, false);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    private void pump(Relayed r, Socket from, Socket to, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (r.cut) {
                        if (fromClient) {
                            sentIntoCut.addAndGet(n);
                        }
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // one side went away
            } finally {
                if (!r.cut || fromClient) {
                    // A live connection ends both ways at once; a cut one ends only when its client closes it.
                    closeQuietly(r.client);
                    closeQuietly(r.store);
                    open.remove(r);
                }
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Relayed r : open) {
            closeQuietly(r.client);
            closeQuietly(r.store);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    private static final class Relayed {
        final Socket client;
        final Socket store;
        volatile boolean cut;

        Relayed(Socket client, Socket store) {
            this.client = client;
            this.store = store;
        }
    }
}
