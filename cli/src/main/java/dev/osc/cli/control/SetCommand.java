package dev.osc.cli.control;

import dev.osc.cli.ConnectionOptions;
import dev.osc.cli.ExitCodes;
import dev.osc.cli.StateSchemaOption;
import dev.osc.engine.OscException;
import dev.osc.engine.control.ControlRequest;
import dev.osc.engine.control.Setting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code osc set NAME=VALUE...}. */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = {"Change settings of the migration running on a table, from any host with access to the"
                + " database: threads, chunk-time, max-lag, max-threads-running, critical-threads-running.",
                "Names and values are checked before anything is sent; each setting is one request, acknowledged on"
                + " its own."},
        footerHeading = "%nExit codes:%n", footer = ExitCodes.CONTROL_HELP)
public final class SetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    TargetOptions target;

    @Mixin
    StateSchemaOption state;

    @Parameters(arity = "1..*", paramLabel = "NAME=VALUE",
            description = "A setting and its new value, e.g. threads=4 or chunk-time=200ms.")
    List<String> assignments;

    @Override
    public Integer call() {
        List<String> arguments = canonical(assignments);
        return SimpleControlCommand.sender(spec, connection, target, state).send(ControlRequest.SET, arguments);
    }

    /**
     * Each assignment checked and written the way the migration parses it ({@code threads=4},
     * {@code chunk-time=200ms}).
     *
     * @throws OscException (bad input) naming the settings that exist
     */
    static List<String> canonical(List<String> assignments) {
        List<String> out = new ArrayList<>();
        Set<Setting> seen = EnumSet.noneOf(Setting.class);
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw OscException.badInput("'" + assignment + "' is not NAME=VALUE; " + Setting.describeAll());
            }
            Setting setting;
            Object value;
            try {
                setting = Setting.named(assignment.substring(0, eq));
            } catch (IllegalArgumentException e) {
                throw OscException.badInput(e.getMessage());
            }
            try {
                value = setting.parse(assignment.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw OscException.badInput(e.getMessage() + "; " + Setting.describeAll());
            }
            if (!seen.add(setting)) {
                throw OscException.badInput(setting.key() + " is given twice");
            }
            out.add(setting.key() + "=" + setting.format(value));
        }
        return out;
    }
}
