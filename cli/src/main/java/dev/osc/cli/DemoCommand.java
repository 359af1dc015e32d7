package dev.osc.cli; import picocli.CommandLine.Command; @Command(name="demo") public final class DemoCommand implements Runnable { public void run(){} }
