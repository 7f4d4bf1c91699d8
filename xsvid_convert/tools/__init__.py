"""What users do with a dataset besides converting it: stats, validate, preview, roundtrip,
video-level splits and category maps."""
