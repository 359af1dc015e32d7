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

    /**
     * Runs every check. Server problems (settings, privileges) are thrown at once as
     * {@link OscException.Kind#SERVER}; problems with the table or the input are returned, for the
     * plan to report as blockers.
     */
    public List<Problem> inputProblems(CheckContext context) {
        List<Problem> problems = all(context);
        List<Problem> server = problems.stream().filter(p -> p.kind() == OscException.Kind.SERVER).toList();
        if (!server.isEmpty()) {
            throw failure(problems);
        }
        return problems;
    }

    private List<Problem> all(CheckContext context) {
        List<Problem> problems = new ArrayList<>();
        try {
            for (Check c : checks) {
                problems.addAll(c.run(context));
            }
        } catch (SQLException e) {
            throw OscException.server("preflight could not read the server: " + e.getMessage(), e);
        }
        return problems;
    }

    /** One exception naming every problem; server problems decide the kind. */
    public static OscException failure(List<Problem> problems) {
        OscException.Kind kind = problems.stream().anyMatch(p -> p.kind() == OscException.Kind.SERVER)
                ? OscException.Kind.SERVER : OscException.Kind.BAD_INPUT;
        String message = problems.size() == 1 ? problems.get(0).message()
                : "preflight found " + problems.size() + " problems:\n" + problems.stream()
                        .map(p -> "  - " + p.message()).collect(Collectors.joining("\n"));
        return new OscException(kind, message);
    }
}
