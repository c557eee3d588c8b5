"""The file to hand to ``spark-submit`` (it needs a .py file, not a console script)::

    spark-submit --master yarn [...] "$(python -m pagesieve.batch.spark_submit)" \
        s3a://bucket/crawl/ -o s3a://bucket/clean/ [--blocks] [--keep ...] [--model PATH]

``python -m pagesieve.batch.spark_submit`` prints this file's path. Run as a script, it calls
`pagesieve.spark_job` from the installed package (a file inside ``pagesieve/`` itself would put
that folder first on ``sys.path``, where ``types.py`` shadows the standard library).
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if __package__:  # python -m pagesieve.batch.spark_submit
        print(__file__)
    else:  # spark-submit .../spark_submit.py ...
        from pagesieve.spark_job import _main

        sys.exit(_main())
