"""The figures on a deliberately awkward scenario (data/awkward.toml: two operator pools
with equal parameter names, 200 sampled points, a very long name), and the command line
of make_figures.py: every figure within its size, no legend above eight entries, labels
in words, relabelling without re-running.

Run by CTest (tests/CMakeLists.txt) with STSIM_BINARY set to the built `stsim`.
"""

import os
import shutil
import struct
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1]
STSIM = os.environ["STSIM_BINARY"]
SCRIPT = SOURCE / "analysis-scripts" / "make_figures.py"
PYTHON = "/usr/bin/python3"
sys.path.insert(0, str(SOURCE / "analysis-scripts"))

import h5py  # noqa: E402
import matplotlib.colors  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402

import stsim_analysis  # noqa: E402
from stsim_analysis.figures import FIGURES, layout, style  # noqa: E402
from support import run  # noqa: E402

MAX_PIXELS = (2250, 2700)  # layout.MAX_WIDTH x layout.MAX_HEIGHT inches at 300 dpi
MAX_LEGEND = 8
work = None


def setUpModule():
    global work
    work = Path(tempfile.mkdtemp(prefix="stsim-python-figures-"))
    for name in ("awkward", "small-sweep"):
        run([STSIM, "run", str(HERE / "data" / f"{name}.toml"), "-o", str(work / f"{name}.h5"),
             "--progress", "none"])


def tearDownModule():
    shutil.rmtree(work, ignore_errors=True)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def legends(fig):
    found = list(fig.legends)
    for ax in fig.axes:
        if ax.get_legend() is not None:
            found.append(ax.get_legend())
    return found


def drawn(test, r):
    """Every figure that applies to r, drawn: (module, figure, caption), each in a subTest
    and closed afterwards."""
    style.setup()
    for module in FIGURES:
        if module.applies(r):
            with test.subTest(figure=module.NAME):
                fig, caption = module.draw(r)
                yield module, fig, caption
                style.plt.close(fig)


def texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


class AwkwardScenario(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.figures = work / "awkward-figures"
        run([PYTHON, SCRIPT, work / "awkward.h5", cls.figures, "--jobs", "2"])
        cls.results = stsim_analysis.load(work / "awkward.h5")

    def test_every_figure_is_drawn_within_its_size(self):
        drawn = sorted(p.stem for p in (self.figures / "awkward").glob("*.png"))
        self.assertEqual(drawn, ["flagship", "harm_by_parameter", "harm_over_time", "mechanisms",
                                 "time_to_first_harm"])
        for name in drawn:
            with self.subTest(figure=name):
                width, height = png_size(self.figures / "awkward" / f"{name}.png")
                self.assertLessEqual(width, MAX_PIXELS[0])
                self.assertLessEqual(height, MAX_PIXELS[1])
                self.assertGreater(width, 900)  # a figure, not a thumbnail
                self.assertTrue((self.figures / "awkward" / f"{name}.pdf").exists())
                caption = (self.figures / "awkward" / f"{name}.txt").read_text()
                self.assertIn("Replications: 2 per point", caption)

    def test_legends_are_short_and_labels_in_words(self):
        for module, fig, caption in drawn(self, self.results):
            width, height = fig.get_size_inches()
            self.assertLessEqual(width, layout.MAX_WIDTH)
            self.assertLessEqual(height, layout.MAX_HEIGHT)
            for legend in legends(fig):
                self.assertLessEqual(len(legend.get_texts()), MAX_LEGEND)
            # Ids and paths never reach the reader: the long component is named in words,
            # and shortened where it has no room.
            for text in texts(fig):
                self.assertNotIn("the_overnight", text)
                self.assertNotIn(".detect", text)
                for line in text.splitlines():
                    self.assertLessEqual(len(line), 48, line)
            self.assertNotIn("the_overnight", caption)

    def test_every_legend_entry_names_something_drawn(self):
        from stsim_analysis.figures import mechanisms
        style.setup()
        fig, _ = mechanisms.draw(self.results)
        origins = fig.axes[0].get_legend()
        present = [mechanisms.ORIGIN_TEXT.get(n, n) for n, total in
                   zip(self.results.origin_names, self.results.harms_by_origin.sum(axis=0))
                   if total > 0]
        self.assertTrue(present)
        self.assertLess(len(present), len(self.results.origin_names))  # some are absent
        self.assertEqual([t.get_text() for t in origins.get_texts()], present)
        style.plt.close(fig)

    def test_axis_labels_stay_within_their_panels(self):
        for module, fig, caption in drawn(self, self.results):
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            for ax in fig.axes:
                label = ax.xaxis.label
                if label.get_text() and label.get_visible() and ax.axison:
                    # 5% of slack: a label may reach a little into the gap beside it.
                    self.assertLessEqual(label.get_window_extent(renderer).width,
                                         1.05 * ax.get_window_extent(renderer).width,
                                         label.get_text())

    def test_the_two_pools_are_told_apart(self):
        r = self.results
        labels = [c.label for c in r.columns]
        self.assertEqual(len(set(labels)), 4)
        self.assertIn("nurses detect", labels)
        self.assertIn("the overnight clinical pharmacists who double check every high risk "
                      "prescription detect", labels)

    def test_a_label_the_scenario_sets_names_its_dimension(self):
        column = self.results.column(lambda p: p == "nurses.review_time")
        self.assertEqual(column.label, "time per nurse review")
        self.assertEqual(layout.parameter_label(self.results, "nurses.review_time"),
                         "time per nurse review")
        with h5py.File(self.results.path, "r") as f:
            paths = {f["design/columns"][d].attrs["path"]: f["design/columns"][d].attrs["label"]
                     for d in f["design/columns"]}
        self.assertEqual(paths["nurses.review_time"], "time per nurse review")
        self.assertEqual(paths["nurses.detect"], "nurses detect")  # from the path

    def test_sampled_figures_use_a_colour_scale_or_pooled_groups(self):
        for module, fig, caption in drawn(self, self.results):
            every = fig.axes + [child for ax in fig.axes for child in ax.child_axes]
            bars = [ax for ax in every if getattr(ax, "_colorbar", None) is not None]
            self.assertTrue(bars or "pooled" in caption, caption)


class LabelPlacement(unittest.TestCase):
    def test_an_end_label_takes_a_side_where_it_hides_no_marker(self):
        style.setup()
        fig, ax = style.plt.subplots(figsize=(3, 2))
        # Markers crowd the right of the labelled point, above and below it.
        crowd = np.array([[x, y] for x in np.linspace(0.52, 0.8, 8)
                          for y in np.linspace(0.3, 0.7, 9)])
        ax.plot(crowd[:, 0], crowd[:, 1], "o", markersize=2)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        shown = ax.transData.transform(crowd)

        def covered(label):
            box = label.get_window_extent(renderer)
            return np.count_nonzero((shown[:, 0] >= box.x0) & (shown[:, 0] <= box.x1) &
                                    (shown[:, 1] >= box.y0) & (shown[:, 1] <= box.y1))

        fixed = ax.annotate("reliability 0.9999", (0.5, 0.5), xytext=(4, 4),
                            textcoords="offset points", fontsize=6)
        self.assertGreater(covered(fixed), 0)  # where the label used to go
        fixed.remove()
        placed = layout.label_clear_of(ax, "reliability 0.9999", (0.5, 0.5), [crowd],
                                       fontsize=6)
        self.assertEqual(covered(placed), 0)
        self.assertEqual(placed.get_ha(), "right")
        style.plt.close(fig)


class IndividualReviewers(unittest.TestCase):
    """The reviewers figure: on the validation scenario of a careful and a careless
    reviewer, and on a sweep of the pool's size with more points and reviewers than a
    legend holds."""

    def reviewers_file(self, name, counts, reps):
        scenario = work / f"{name}.toml"
        text = (SOURCE / "tests/validation/scenarios/individual-reviewers.toml").read_text()
        if counts:
            text += f"\n[[sweep.dimensions]]\npath = \"review.count\"\nvalues = {counts}\n"
        scenario.write_text(text)
        path = work / f"{name}.h5"
        run([STSIM, "run", str(scenario), "--reps", str(reps), "-o", str(path),
             "--progress", "none"])
        return stsim_analysis.load(path)

    def test_the_careless_reviewer_is_named_and_drawn(self):
        from stsim_analysis.figures import reviewers
        r = self.reviewers_file("reviewers-one", None, 4)
        self.assertTrue(reviewers.applies(r))
        style.setup()
        fig, caption = reviewers.draw(r)
        self.assertIn("Reviewer 1 catches", caption)
        self.assertIn("for reviewer 0", caption)
        self.assertEqual(legends(fig), [])  # one point: nothing to tell apart
        left = fig.axes[0]
        self.assertEqual([t.get_text() for t in left.get_xticklabels()], ["0", "1"])
        style.plt.close(fig)

    def test_many_points_and_reviewers_keep_the_legend_short(self):
        from stsim_analysis.figures import reviewers
        r = self.reviewers_file("reviewers-many", [2, 4, 6, 8, 9], 2)
        self.assertEqual(r.reviewers, 9)
        style.setup()
        fig, caption = reviewers.draw(r)
        entries = [t.get_text() for legend in legends(fig) for t in legend.get_texts()]
        self.assertLessEqual(len(entries), MAX_LEGEND)
        self.assertIn("reviewer 1", entries)  # the least careful is always shown
        self.assertIn("lowest and the", caption)
        self.assertEqual(fig.axes[0].get_xlabel(), "review count")
        style.plt.close(fig)

    def test_a_shared_pool_gets_no_reviewers_figure(self):
        from stsim_analysis.figures import reviewers
        self.assertFalse(reviewers.applies(stsim_analysis.load(work / "small-sweep.h5")))


class HarmFree(unittest.TestCase):
    """A file without a single harm (a control evaluation scored by safety): the figures
    of harms are not drawn, and none drawn for an older run of it stays behind."""

    def test_only_the_figures_with_something_to_show_are_left(self):
        path = work / "harm-free.h5"
        run([STSIM, "run", str(HERE / "data" / "records.toml"), "--set",
             "contexts.tasks.hazardous=false", "-o", str(path), "--progress", "none"])
        r = stsim_analysis.load(path)
        self.assertFalse(r.harm_seen)
        out = work / "harm-free-figures"
        (out / "harm-free").mkdir(parents=True)
        stale = out / "harm-free" / "harm_over_time.png"
        stale.write_bytes(b"an older drawing")
        run([PYTHON, SCRIPT, path, out, "--jobs", "1"])
        self.assertEqual(sorted(p.stem for p in (out / "harm-free").glob("*.png")),
                         ["control_frontier", "harm_by_parameter"])
        self.assertFalse(stale.exists())


class ColourScale(unittest.TestCase):
    def test_a_sampled_dimension_is_coloured_on_the_scale_it_was_sampled_on(self):
        r = stsim_analysis.load(work / "awkward.h5")
        self.assertEqual({c.sampling for c in r.columns}, {"linear"})
        # A correlation sampled linearly from 0: its smallest samples are far below its
        # largest, yet its colours must stay linear; without the file's word, log.
        column = stsim_analysis.results.Column(path="m.coupling.difficulty_correlation",
                                               label="correlation",
                                               numbers=np.array([3e-4, 0.01, 0.1, 0.3]))
        self.assertIsInstance(layout.colour_scale(column).norm, matplotlib.colors.LogNorm)
        column.sampling = "linear"
        self.assertNotIsInstance(layout.colour_scale(column).norm, matplotlib.colors.LogNorm)
        column.sampling, column.numbers = "log", np.array([0.1, 0.2, 0.3])
        self.assertIsInstance(layout.colour_scale(column).norm, matplotlib.colors.LogNorm)


class CategoryTicks(unittest.TestCase):
    def test_many_long_categories_do_not_run_into_each_other(self):
        from stsim_analysis.figures import sweep
        names = ["upfront auditing", "trusted monitoring", "defer to trusted 5%",
                 "defer to trusted 10%", "defer to trusted 20%", "trusted editing 20%",
                 "untrusted monitoring"]
        for count in (2, len(names)):
            with self.subTest(categories=count):
                style.setup()
                fig, axes, _ = layout.figure(1, legend=True)
                along = stsim_analysis.results.Column(path="x.next.pass", label="protocol",
                                                      strings=names[:count])
                sweep.x_axis(axes[0], along, [list(range(count))])
                fig.canvas.draw()
                labels = axes[0].get_xticklabels()
                self.assertEqual([t.get_text().replace("\n", " ") for t in labels], names[:count])
                rotation = labels[0].get_rotation()
                if count == 2:
                    self.assertEqual(rotation, 0)  # level where they fit
                if rotation == 0:
                    boxes = [t.get_window_extent(fig.canvas.get_renderer()) for t in labels]
                    for a, b in zip(boxes, boxes[1:]):
                        self.assertFalse(a.overlaps(b), (a, b))
                else:
                    # Parallel slanted lines: their distance apart is the ticks' spacing
                    # times the sine of the angle, and must hold the text's height.
                    xs = [axes[0].transData.transform((x, 0))[0] for x in axes[0].get_xticks()]
                    height = max(t.get_fontsize() * fig.dpi / 72 * 1.2 *
                                 (t.get_text().count("\n") + 1) for t in labels)
                    self.assertGreaterEqual(min(np.diff(xs)) * np.sin(np.radians(rotation)),
                                            height)
                style.plt.close(fig)


class CommandLine(unittest.TestCase):
    def test_help_exits_0_and_shows_every_option(self):
        done = run([PYTHON, SCRIPT, "--help"])
        for option in ("--jobs", "--only", "--label", "--labels", "results", "figures"):
            self.assertIn(option, done.stdout)
        self.assertIn("flagship", done.stdout)

    def test_only_draws_the_figures_asked_for(self):
        out = work / "only"
        run([PYTHON, SCRIPT, work / "small-sweep.h5", out, "--only", "mechanisms",
             "--only", "flagship", "--jobs", "1"])
        self.assertEqual(sorted(p.name for p in (out / "small-sweep").iterdir()),
                         ["flagship.pdf", "flagship.png", "flagship.txt", "mechanisms.pdf",
                          "mechanisms.png", "mechanisms.txt"])

    def test_bad_options_exit_2_with_a_message(self):
        done = run([PYTHON, SCRIPT, work / "small-sweep.h5", "--jobs", "0"], expect=2)
        self.assertIn("--jobs must be at least 1, not 0", done.stderr)
        done = run([PYTHON, SCRIPT, work / "small-sweep.h5", "--only", "flagshp"], expect=2)
        self.assertIn("argument --only: invalid choice: 'flagshp'", done.stderr)
        done = run([PYTHON, SCRIPT, work / "nothing-here.h5"], expect=2)
        self.assertIn("no such file or folder", done.stderr)
        done = run([PYTHON, SCRIPT, work / "small-sweep.h5", work / "x", "--label",
                    "nobody=someone"], expect=2)
        self.assertIn("--label nobody: names no component, swept dimension or value",
                      done.stderr)

    def test_labels_change_without_running_again(self):
        out = work / "relabelled"
        run([PYTHON, SCRIPT, work / "small-sweep.h5", out, "--only", "flagship", "--jobs", "1",
             "--label", "model.reliability=AI reliability",
             "--label", "model.next.pass=system design",
             "--label", "model.next.pass=bare=the bare model"])
        caption = (out / "small-sweep" / "flagship.txt").read_text()
        self.assertIn("(AI reliability swept, model.reliability)", caption)
        self.assertIn("one curve per system design", caption)
        r = stsim_analysis.load(work / "small-sweep.h5")
        r.relabel({"model.next.pass": "system design", "model.next.pass=bare": "the bare model",
                   "review": "night nurses"})
        self.assertEqual(r.columns[0].value_text(0), "the bare model")
        self.assertEqual(r.component_labels[2], "night nurses")
        self.assertEqual(r.point_text(0),
                         "the bare model, model reliability 0.9, review review time 2 minutes")

    def test_a_components_label_in_the_scenario_reaches_the_result_file(self):
        text = (HERE / "data" / "small-sweep.toml").read_text()
        review = '[review]\nkind = "operators"\n'
        self.assertIn(review, text)
        scenario = work / "labelled.toml"
        scenario.write_text(text.replace(review, review + 'label = "night nurses"\n'))
        run([STSIM, "validate", scenario, "-q"])
        run([STSIM, "run", scenario, "-o", work / "labelled.h5", "--reps", "2", "--progress",
             "none"])
        r = stsim_analysis.load(work / "labelled.h5")
        self.assertEqual(r.component_labels[2], "night nurses")
        self.assertEqual(r.component_labels[1], "model")  # the id in words, unset

    def test_labels_from_an_edited_scenario_file(self):
        scenario = work / "labels.toml"
        scenario.write_text('[review]\nlabel = "night nurses"\n\n'
                            '[[sweep.dimensions]]\npath = "model.next.pass"\n'
                            'label = "system design"\nlabels = ["no review", "with review"]\n')
        out = work / "from-file"
        run([PYTHON, SCRIPT, work / "small-sweep.h5", out, "--only", "flagship",
             "--only", "mechanisms", "--jobs", "1", "--labels", scenario])
        self.assertIn("one curve per system design",
                      (out / "small-sweep" / "flagship.txt").read_text())


if __name__ == "__main__":
    unittest.main()
