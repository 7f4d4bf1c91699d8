"""Results formats: detections with a score (and maybe a track id), read against their ground
truth and written from any dataset.

A results file names frames, videos and classes only by reference (an image id, a sequence name
and frame number, a label path, a class index), so reading one needs the ground truth it was made
against (`--gt`): image ids, video ids, frame indices, image sizes and category ids all come from
there.  The dataset read has the ground truth's categories, videos and frames, and the
predictions as boxes whose `score` is the confidence.  Writing takes any dataset: a ground truth
written as results is "every box found, score 1" (ignored boxes dropped).

Each format is its own registry entry in this package; `common` holds what they share.
"""
