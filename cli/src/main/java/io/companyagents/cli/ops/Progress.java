package io.companyagents.cli.ops;

import java.io.PrintWriter;
import java.util.function.Consumer;

/** Progress lines for long work, on stderr (stdout stays for results and --json). */
public final class Progress implements Consumer<String> {

    private final PrintWriter err;
    private final long started = System.nanoTime();

    public Progress(PrintWriter err) {
        this.err = err;
    }

    public void step(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    @Override
    public void accept(String line) {
        step(line);
    }

    /** Seconds since this reporter was created. */
    public String elapsed() {
        return Ops.seconds(started);
    }

    public long startedNanos() {
        return started;
    }
}
