package dev.osc.engine;

/**
 * A failure that osc explains to its user. The {@link Kind} decides the exit code, so every
 * path that stops a migration must say which kind of failure it is.
 */
public class OscException extends RuntimeException {

    /** What went wrong, from the user's point of view. Each kind has its own exit code. */
    public enum Kind {
        /** The migration failed or was aborted; the original table is intact. */
        FAILED(1),
        /** Bad input or a refused change; nothing was changed. */
        BAD_INPUT(2),
        /** Server settings, privileges, unreachable server or wrong password. */
        SERVER(3),
        /** Another osc run is migrating the table, and the user asked not to wait (--if-running fail). */
        BUSY(5);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public OscException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public OscException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static OscException badInput(String message) {
        return new OscException(Kind.BAD_INPUT, message);
    }

    public static OscException server(String message, Throwable cause) {
        return new OscException(Kind.SERVER, message, cause);
    }

    public static OscException failed(String message, Throwable cause) {
        return new OscException(Kind.FAILED, message, cause);
    }
}
