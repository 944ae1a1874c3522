#!/usr/bin/python3
"""Regenerates the golden reference files that fbnet's tests compare the Java code against.

The default test run (mvn -B -ntp test) needs no Python: each test reads the files this script wrote into
pipeline/src/test/resources/golden/refs/AREA/ and runs the Java code under test on the same inputs. Re-run it
(and commit the result) when a reference must change, with Debian's python3 and its numpy, Pillow, torch,
scikit-learn (apt-get install python3-numpy python3-pil python3-torch python3-sklearn):

    /usr/bin/python3 pipeline/src/test/python/make_golden.py                 # every area below but nsd-ceilings
    /usr/bin/python3 pipeline/src/test/python/make_golden.py ridge pca       # only these areas
    /usr/bin/python3 pipeline/src/test/python/make_golden.py nsd-ceilings --nsd-ceilings DIR
                                                      # DIR holds the real NSD ceilings, subjXX/{lh,rh}.npy (1.3 MB)

The tests tagged "python" (mvn -B -ntp test -Ppython-refs) run this same script live into a temporary
folder (--out DIR --full) and check the Java code against what it just computed; --full adds the complete
arrays beside the digests so a failure names the first differing element.
"""
import argparse
import os
import shutil
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden_refs import (clip_forward, clip_preprocess, compare, npy_files, numpy_pickle, nsd_ceilings,  # noqa: E402
                         pca, pillow_bicubic, png_decode, racing_loss, report_files, ridge, safetensors_file,
                         vertex_scores)

AREAS = {
    "npy": npy_files.make,
    "numpy-pickle": numpy_pickle.make,
    "pillow-bicubic": pillow_bicubic.make,
    "png-decode": png_decode.make,
    "clip-preprocess": clip_preprocess.make,
    "safetensors": safetensors_file.make,
    "clip-forward": clip_forward.make,
    "racing-loss": racing_loss.make,
    "ridge": ridge.make,
    "pca": pca.make,
    "vertex-scores": vertex_scores.make,
    "report-files": report_files.make,
    "compare": compare.make,
}
DEFAULT_OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "refs"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("areas", nargs="*", help="areas to regenerate (default: all but nsd-ceilings): "
                    + ", ".join(list(AREAS) + ["nsd-ceilings"]))
    ap.add_argument("--out", default=DEFAULT_OUT, help="folder that receives one sub-folder per area (default: %(default)s)")
    ap.add_argument("--full", action="store_true", help="also write the complete reference arrays behind each digest")
    ap.add_argument("--nsd-ceilings", metavar="DIR", help="the real NSD noise ceilings (subjXX/{lh,rh}.npy, percent)")
    a = ap.parse_args()
    areas = a.areas or list(AREAS)
    for area in areas:
        if area != "nsd-ceilings" and area not in AREAS:
            ap.error(f"unknown area '{area}'")
        if area == "nsd-ceilings" and not a.nsd_ceilings:
            ap.error("nsd-ceilings needs --nsd-ceilings DIR")
    for area in areas:
        target = os.path.join(a.out, area)
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        if area == "nsd-ceilings":
            nsd_ceilings.make(target, a.nsd_ceilings)
        else:
            AREAS[area](target, a.full)
        print(area, "->", target)


if __name__ == "__main__":
    main()
