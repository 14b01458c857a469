"""The glide command: one subcommand per host tool."""
import argparse
import sys

from . import bench, check, emu, flash, monitor, plot, send, sim, size, version, web

COMMANDS = {
    "sim": sim,
    "check": check,
    "size": size,
    "monitor": monitor,
    "send": send,
    "flash": flash,
    "plot": plot,
    "bench": bench,
    "emu": emu,
    "web": web,
}


def main(argv=None):
    p = argparse.ArgumentParser(prog="glide", description="glide: a microcurrent controller "
                                "prototype on LEDs and a serial log. Never connect it to a person.")
    p.add_argument("--version", action="version", version="glide " + version())
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, mod in COMMANDS.items():
        sp = sub.add_parser(name, help=mod.__doc__.splitlines()[0].split(": ", 1)[-1],
                            description=mod.__doc__)
        mod.add_arguments(sp)
    args = p.parse_args(argv)
    if not args.command:
        p.print_help()
        return 2
    try:
        return COMMANDS[args.command].run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # output piped into head & co.
        return 0


if __name__ == "__main__":
    sys.exit(main())
