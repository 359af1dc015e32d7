package dev.osc.benchmarks;

import java.util.Arrays;

/**
 * One entry point for the benchmarks jar:
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar jmh [JMH options]      the hot-path micro-benchmarks
 * java -jar benchmarks/target/benchmarks.jar estimate [rows]        plan estimate vs real copy time
 * java -jar benchmarks/target/benchmarks.jar compare [options]      osc vs ALTER and pt-online-schema-change (docs/benchmarks.md)
 * java -jar benchmarks/target/benchmarks.jar apply-rate [options]   whether osc's change apply keeps up with a write load
 * java -jar benchmarks/target/benchmarks.jar breakdown [options]    where a copying schema change's time goes, in plain SQL
 * </pre>
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (what) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "estimate" -> EstimateAccuracy.main(rest);
            case "compare" -> System.exit(dev.osc.benchmarks.compare.CompareCommand.run(rest));
            case "apply-rate" -> System.exit(dev.osc.benchmarks.apply.ApplyRateCommand.run(rest));
            case "breakdown" -> System.exit(dev.osc.benchmarks.compare.BreakdownCommand.run(rest));
            default -> {
                System.err.println("usage: java -jar benchmarks.jar jmh [JMH options] | estimate [rows] | compare [--help]"
                        + " | apply-rate [--help] | breakdown [--help]");
                System.exit(2);
            }
        }
    }
}
