# fbnet bench preprocess: Pillow's side. CLIPImageProcessor (PIL backend) on the same PNGs, one thread.
# Prints one JSON line per stage with milliseconds per image.
import io, json, os, sys, time
import PIL

from clip_pillow import decode, preprocess

png_dir, n_images = sys.argv[1], int(sys.argv[2])

pngs = [open(os.path.join(png_dir, f), "rb").read() for f in sorted(os.listdir(png_dir)) if f.endswith(".png")]
for stage, fn in (("decode", lambda b: decode(b).load()), ("decode+preprocess", preprocess)):
    for i in range(min(len(pngs), n_images)): fn(pngs[i])   # warm-up
    t0 = time.perf_counter()
    for i in range(n_images): fn(pngs[i % len(pngs)])
    ms = (time.perf_counter() - t0) * 1000 / n_images
    print(json.dumps({"stage": stage, "ms_per_image": ms, "pillow": PIL.__version__}), flush=True)
