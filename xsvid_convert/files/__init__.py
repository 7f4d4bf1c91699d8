"""What every format does with files: paths from data checked (`paths`), atomic output
(`atomic`), text/JSON/YAML read with located errors (`text`), numeric rows (`rows`), image headers
and placing (`images`), large COCO files read a slice at a time (`jsonstream`)."""
