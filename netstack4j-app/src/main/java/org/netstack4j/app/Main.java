package org.netstack4j.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code netstack4j} command. */
@Command(name = "netstack4j", mixinStandardHelpOptions = true, version = "netstack4j 0.1.0-SNAPSHOT",
        description = "A userspace TCP/IP stack for the JVM over packet devices.",
        subcommands = {DemoCommand.class, HostCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
