package io.companyagents.cli.up;

/**
 * A failure the user can act on: the message is printed as is (no stack trace) and the CLI exits
 * with {@link #exitCode()}.
 */
public class LaunchException extends RuntimeException {

    /** Bad environment or usage: a port is busy, the instance is already running, a jar is missing. */
    public static final int EXIT_ENVIRONMENT = 2;
    /** Something we started failed. */
    public static final int EXIT_FAILED = 1;

    private final int exitCode;

    public LaunchException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public LaunchException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
