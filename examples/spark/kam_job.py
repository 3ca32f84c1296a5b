"""Score a partitioned customer list with kam on Apache Spark, in two phases.

Account scoring ranks each account against the whole list (share, rank, ABC class, HHI,
Gini), so a partition cannot be scored alone. Phase 1 runs `kam portfolio -` on every
partition (executors) and merges the partials with `kam portfolio merge` (driver); phase 2
ships the merged file to the executors and runs `kam score - --portfolio all.kamp` on every
partition. kam reads each partition on standard input and writes standard output, with no
temporary files, so the executors need nothing but the kam binary (shipped here with
SparkContext.addFile; see docs/scale-out.md for the static build).

Each input file is one partition with its own header, as `kam score` expects. The scored
partitions are written to OUTPUT with the input files' names.

A list with a line per invoice repeats each customer's id, and kam groups a customer's lines
into one account within a partition, so all of a customer's lines must be in the same
partition. With --by-customer COLUMN the job first re-partitions the list by that column
(Spark's CSV reader and writer: UTF-8, comma or --delimiter, RFC 4180 quoting), so that
partitions cut by line count or by date become partitions cut by customer.

    python kam_job.py --kam /path/to/kam --input parts/ --output scored/ [--rules pack.json5]
    python kam_job.py --kam /path/to/kam --input lines/ --output scored/ --by-customer "Customer ID"
"""

import argparse
import atexit
import os
import shutil
import stat
import subprocess
import tempfile

from pyspark import SparkFiles
from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def kam_path():
    """The kam binary shipped to this executor, made executable."""
    path = SparkFiles.get("kam")
    mode = os.stat(path).st_mode
    if not mode & stat.S_IXUSR:
        os.chmod(path, mode | stat.S_IXUSR)
    return path


def run_kam(arguments, data):
    """Runs kam with `data` on standard input; its standard output, or an error naming kam's message."""
    done = subprocess.run([kam_path()] + arguments, input=data, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError("kam %s failed (exit %d): %s" % (" ".join(arguments), done.returncode, done.stderr.decode(errors="replace")))
    return done.stdout


def run_kam_on_file(arguments, data):
    """Runs kam on `data` kept in a file on the executor's disk (FILE in `arguments` is its
    place): a partition whose customers have several lines must be read twice, once to group
    them, which standard input cannot be."""
    with tempfile.NamedTemporaryFile(prefix="kam-part-", suffix=".csv") as part:
        part.write(data)
        part.flush()
        return run_kam([part.name if a == "FILE" else a for a in arguments], b"")


def by_customer(spark, source, column, delimiter, workdir, count):
    """The list read with Spark's CSV reader and written again partitioned by `column`, so that
    every line of a customer lies in one partition; the folder of the new partition files."""
    frame = (spark.read.option("header", True).option("sep", delimiter).option("multiLine", True)
             .option("quote", '"').option("escape", '"').csv(source))
    if column not in frame.columns:
        raise SystemExit("--by-customer: the list has no column %r; its columns are %s" % (column, ", ".join(frame.columns)))
    # Each file is read whole by one task (multiLine), so the row number below grows with the
    # file's lines: with the file's name it keeps each customer's lines in their order, and
    # "the first line" of an account means what it means in one kam score over the files
    # taken by name.
    columns = frame.columns
    ordered = frame.withColumn("__kam_file", F.input_file_name()).withColumn("__kam_row", F.monotonically_increasing_id())
    target = os.path.join(workdir, "by-customer")
    (ordered.repartition(count, F.col(column)).sortWithinPartitions("__kam_file", "__kam_row").select(*columns)
     .write.option("header", True).option("sep", delimiter).option("quote", '"').option("escape", '"')
     .mode("overwrite").csv(target))
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kam", required=True, help="the kam binary to ship to the executors")
    parser.add_argument("--input", required=True, help="folder of CSV partitions, each with a header")
    parser.add_argument("--output", required=True, help="folder for the scored partitions")
    parser.add_argument("--rules", help="an account-scoring pack (default: the one built into kam)")
    parser.add_argument("--master", default=None, help="Spark master, e.g. local[2] (default: spark-submit's)")
    parser.add_argument("--by-customer", metavar="COLUMN", help="re-partition the list by this customer-id column first")
    parser.add_argument("--delimiter", default=",", help="the list's delimiter, for --by-customer (default ,)")
    args = parser.parse_args()

    # Each task holds one partition file and kam's output for it; a little more driver
    # memory than the default keeps a local run of a few million rows comfortable.
    builder = SparkSession.builder.appName("kam-score").config("spark.driver.memory", "2g")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.kam))
    rules = []
    if args.rules:
        sc.addFile(os.path.abspath(args.rules))
        rules_name = os.path.basename(args.rules)

    def with_rules():
        return ["--rules", SparkFiles.get(rules_name)] if args.rules else []

    # One element per partition file: (path, bytes). binaryFiles keeps the bytes as they are
    # (any encoding kam reads), and a file is never split across tasks. One task per file;
    # the files are read again in phase 2 rather than cached, so memory stays per task.
    count = len([f for f in os.listdir(args.input) if not f.startswith(".")])
    workdir = tempfile.mkdtemp(prefix="kam-spark-")
    # The driver's partial portfolios and merged file (tens of MB at millions of rows) go
    # when the job ends, however it ends.
    atexit.register(shutil.rmtree, workdir, True)
    source = args.input
    if args.by_customer:
        source = by_customer(spark, args.input, args.by_customer, args.delimiter, workdir, max(2, count))
        count = len([f for f in os.listdir(source) if f.endswith(".csv")])
    files = sc.binaryFiles(source if not args.by_customer else os.path.join(source, "*.csv"), minPartitions=max(2, count))
    if args.by_customer:
        # A partition the re-partitioning left empty holds a header alone: nothing to score.
        files = files.filter(lambda kv: kv[1].rstrip(b"\r\n").count(b"\n") >= 1)

    # Phase 1: each partition's portfolio on the executors, merged on the driver.
    partials = files.map(lambda kv: (os.path.basename(kv[0]), run_kam(["portfolio", "-"] + with_rules(), kv[1]))).collect()
    paths = []
    for name, data in sorted(partials):
        path = os.path.join(workdir, name + ".kamp")
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    merged = os.path.join(workdir, "all.kamp")
    subprocess.run([args.kam, "portfolio", "merge"] + paths + ["-o", merged], check=True)
    sc.addFile(merged)

    # Phase 2: every partition scored against the merged portfolio and written by the
    # executor that scored it (OUTPUT must be a folder every executor can write: local
    # for local[N], a shared mount on a cluster).
    output = os.path.abspath(args.output)
    os.makedirs(output, exist_ok=True)

    def score(kv):
        name = os.path.basename(kv[0])
        data = run_kam_on_file(["score", "FILE", "--portfolio", SparkFiles.get("all.kamp"), "--quiet"] + with_rules(), kv[1])
        with open(os.path.join(output, name), "wb") as f:
            f.write(data)

    files.foreach(score)
    spark.stop()


if __name__ == "__main__":
    main()
