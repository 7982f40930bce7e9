"""`cmake --install`: the program, its man pages made from its own --help, the shipped
scenarios, the analysis scripts and the docs; and the installed tree works from any
directory (a shipped scenario by its name, the figure script by its installed path).

Run by CTest (tests/CMakeLists.txt) with STSIM_BINARY and STSIM_BUILD_DIR set.
"""

import os
import re
import shutil
import tempfile
import unittest
from pathlib import Path

from support import run

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1]
BUILD = os.environ["STSIM_BUILD_DIR"]
STSIM = os.environ["STSIM_BINARY"]
prefix = None


def setUpModule():
    global prefix
    prefix = Path(tempfile.mkdtemp(prefix="stsim-install-"))
    run(["cmake", "--install", BUILD, "--prefix", str(prefix)])


def tearDownModule():
    shutil.rmtree(prefix, ignore_errors=True)


def subcommands():
    """The subcommands `stsim --help` lists."""
    listed = run([STSIM, "--help"]).stdout.split("\nSubcommands:\n", 1)[1]
    return [m.group(1) for m in re.finditer(r"^  ([a-z-]+)  ", listed, re.MULTILINE)]


class Installed(unittest.TestCase):
    def test_the_tree_holds_the_program_pages_scenarios_scripts_and_docs(self):
        program = prefix / "bin" / "stsim"
        self.assertTrue(os.access(program, os.X_OK))
        pages = sorted(p.name for p in (prefix / "share" / "man" / "man1").iterdir())
        self.assertEqual(pages, sorted(["stsim.1"] + [f"stsim-{c}.1" for c in subcommands()]))
        self.assertIn("export", subcommands())
        shipped = sorted(p.name for p in (SOURCE / "scenarios").glob("*.toml"))
        installed = prefix / "share" / "stsim" / "scenarios"
        self.assertEqual(sorted(p.name for p in installed.iterdir()), shipped)
        for name in shipped:
            self.assertEqual((installed / name).read_bytes(),
                             (SOURCE / "scenarios" / name).read_bytes())
        scripts = prefix / "share" / "stsim" / "analysis-scripts"
        self.assertTrue(os.access(scripts / "make_figures.py", os.X_OK))
        self.assertTrue((scripts / "stsim_analysis" / "figures" / "layout.py").exists())
        for doc in ("README.md", "scenarios.md", "output.md", "python.md", "design.md"):
            self.assertTrue((prefix / "share" / "doc" / "stsim" / doc).exists(), doc)

    def test_the_man_pages_are_the_commands_own_help(self):
        man = prefix / "share" / "man" / "man1"
        main = (man / "stsim.1").read_text()
        self.assertRegex(main, r'\.TH STSIM "1" "[^"]+" "stsim \d+\.\d+\.\d+" "User Commands"')
        self.assertIn(".SH NAME\nstsim \\- Monte Carlo simulation", main)
        self.assertIn("\\fB\\-q\\fR,\\-\\-quiet", main)
        self.assertIn(".SH \"SEE ALSO\"", main)
        self.assertIn(".BR stsim-run (1)", main)
        page = (man / "stsim-run.1").read_text()
        self.assertIn('.TH STSIM-RUN "1"', page)
        self.assertIn(".SH NAME\nstsim-run \\- Run a scenario", page)
        # Every option of `stsim run --help` is on its page.
        for option in re.findall(r"^  (?:-\w,)?(--[a-z-]+)", run([STSIM, "run", "--help"]).stdout,
                                 re.MULTILINE):
            self.assertIn(option.replace("-", "\\-"), page, option)

    def test_the_installed_tree_works_from_any_directory(self):
        with tempfile.TemporaryDirectory() as elsewhere:
            program = str(prefix / "bin" / "stsim")
            done = run([program, "run", "misuse", "--reps", "1", "-o", "misuse.h5",
                        "--progress", "none"], cwd=elsewhere)
            installed = prefix / "share" / "stsim" / "scenarios" / "misuse.toml"
            self.assertIn(f"stsim: misuse is the installed scenario {installed}\n", done.stderr)
            self.assertTrue((Path(elsewhere) / "misuse.h5").exists())
            self.assertIn(f"scenario:             misuse ({installed})",
                          run([program, "inspect", "misuse.h5"], cwd=elsewhere).stdout)
            script = prefix / "share" / "stsim" / "analysis-scripts" / "make_figures.py"
            run(["/usr/bin/python3", str(script), "misuse.h5", "figures", "--only", "mechanisms",
                 "--jobs", "1"], cwd=elsewhere)
            self.assertTrue((Path(elsewhere) / "figures" / "misuse" / "mechanisms.png").exists())
            # A name that is neither a file nor a shipped scenario is the usual error.
            missing = run([program, "validate", "no-such-scenario"], cwd=elsewhere, expect=2)
            self.assertEqual(missing.stderr, "no-such-scenario: error: cannot read the file: No "
                                             "such file or directory\n")


if __name__ == "__main__":
    unittest.main()
