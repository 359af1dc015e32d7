package dev.osc.engine.check;

import dev.osc.engine.OscException;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs every preflight check and reports all problems at once, so that a user fixes them in one
 * round. Server problems (settings, privileges) decide the exit code over input problems.
 */
public final class Preflight {
    private final List<Check> checks;

    public Preflight(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    public static Preflight standard() {
        return new Preflight(List.of(new BinlogSettingsCheck(), new PrivilegesCheck(), new TableCheck(),
                new TriggersCheck(), new ForeignKeysCheck()));
    }

    public void run(CheckContext context) {
        List<Problem> problems = new ArrayList<>();
        try {
            for (Check c : checks) {
                problems.addAll(c.run(context));
            }
        } catch (SQLException e) {
            throw OscException.server("preflight could not read the server: " + e.getMessage(), e);
        }
        if (problems.isEmpty()) {
            return;
        }
        OscException.Kind kind = problems.stream().anyMatch(p -> p.kind() == OscException.Kind.SERVER)
                ? OscException.Kind.SERVER : OscException.Kind.BAD_INPUT;
        String message = problems.size() == 1 ? problems.get(0).message()
                : "preflight found " + problems.size() + " problems:\n" + problems.stream()
                        .map(p -> "  - " + p.message()).collect(Collectors.joining("\n"));
        throw new OscException(kind, message);
    }
}
