#!/usr/bin/env python3
"""A scripted session of 100 mixed calls to `ics mcp` through the official MCP client (see
benchmarks/README.md). Not a test: it prints figures against the targets of issue 25.

For each call it records the size of the answer (the text content the client receives, in bytes of
UTF-8) and the time of the call as the client sees it; then, paired with it, the time of the same
question asked as a fresh `ics ... -f json` process. It prints the median and largest answer (paged and
unpaged apart), the median call, the median process and their ratio, and the sizes of the same
questions with detail="full" (the CLI's whole document: what every call returned before answers were
brief). Needs the mcp extra; run it from the checkout or an install:

    python benchmarks/mcp_session.py              # 100 calls
    python benchmarks/mcp_session.py --calls 200
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

# (tool, arguments, the same question on the command line)
QUESTIONS = [
    ("check", {"statement": "There are 42 ICBs"}, ["check", "There are 42 ICBs"]),
    ("explain", {"term": "icb"}, ["explain", "icb"]),
    ("ccg", {"name": "02Q"}, ["ccg", "02Q"]),
    ("timeline", {}, ["timeline"]),
    ("system", {"name": "QNQ"}, ["system", "QNQ"]),
    ("map", {"codes": ["02Q", "00C", "5N9", "E38000008"]}, ["ccg", "02Q", "00C", "5N9", "E38000008"]),
    ("check", {"statement": "CCGs are abolished"}, ["check", "CCGs are abolished"]),
    ("systems", {}, ["systems"]),
    ("search", {"text": "commissioning"}, ["search", "commissioning"]),
    ("changes", {}, ["changes"]),
    ("explain", {"term": "icp", "as_of": "2021-06"}, ["explain", "icp", "--as-of", "2021-06"]),
    ("compare", {"a": "ccg", "b": "icb"}, ["compare", "ccg", "icb"]),
    ("check", {"statement": "02Q is in QT1", "as_of": "2022-07-01"}, ["check", "02Q is in QT1", "--as-of", "2022-07-01"]),
    ("ccg", {"name": "00C", "as_of": "2019-06-01"}, ["ccg", "00C", "--as-of", "2019-06-01"]),
    ("timeline", {"from_date": "2021", "to_date": "2022", "tags": ["legislation"]},
     ["timeline", "--from", "2021", "--to", "2022", "--tag", "legislation"]),
    ("systems", {"region": "London"}, ["systems", "--region", "London"]),
    ("explain", {"term": "ccg"}, ["explain", "ccg"]),
    ("check", {"statement": "There are 106 sub-ICB locations"}, ["check", "There are 106 sub-ICB locations"]),
    ("ccg", {}, ["ccg", "--all"]),
    ("changes", {"from_date": "2019-04-01", "to_date": "2021-04-01"}, ["changes", "--from", "2019-04-01", "--to", "2021-04-01"]),
    # the places tools (issue 23); `postcode` needs the user's imported directory, so it is not timed here
    ("practice", {"name": "A81001"}, ["practice", "A81001"]),
    ("pcn", {"name": "U41591"}, ["pcn", "U41591"]),
    ("lsoa", {"code": "E01016180"}, ["lsoa", "E01016180"]),
    ("trust", {"name": "RDU"}, ["trust", "RDU"]),
    ("practice", {"name": "B82002", "as_of": "2024-01-01"}, ["practice", "B82002", "--as-of", "2024-01-01"]),
    ("lsoa", {"code": "E01000010", "as_of": "2019-06-01"}, ["lsoa", "E01000010", "--as-of", "2019-06-01"]),
    ("pcn", {"name": "U"}, ["pcn", "U"]),
]


def ics_command():
    found = shutil.which("ics")
    return [found] if found else [sys.executable, "-m", "icscli"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()
    try:
        import anyio
        import mcp
    except ImportError:
        sys.exit("mcp_session.py needs the MCP SDK: pip install 'icscli[mcp]'")
    ics = ics_command()
    env = dict(os.environ)
    calls = [QUESTIONS[n % len(QUESTIONS)] for n in range(args.calls)]

    async def session():
        parameters = mcp.StdioServerParameters(command=ics[0], args=[*ics[1:], "mcp"], env=env)
        rows, full = [], {}
        async with mcp.stdio_client(parameters) as (read, write), mcp.ClientSession(read, write) as client:
            await client.initialize()
            await client.list_tools()  # as a client does first (and the client caches the output schemas)
            for tool, arguments, cli in calls:
                start = time.perf_counter()
                result = await client.call_tool(tool, arguments)
                took = time.perf_counter() - start
                assert not result.is_error, (tool, arguments, result.content)
                size = len(result.content[0].text.encode("utf-8"))
                paged = result.structured_content.get("page") is not None
                start = time.perf_counter()  # paired: the same question as a fresh process, straight after
                subprocess.run([*ics, *cli, "-f", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env, check=True)
                process = time.perf_counter() - start
                rows.append((tool, size, paged, took, process))
            for tool, arguments, _cli in QUESTIONS:
                result = await client.call_tool(tool, dict(arguments, detail="full"))
                full[(tool, repr(arguments))] = len(result.content[0].text.encode("utf-8"))
        return rows, full

    rows, full = anyio.run(session)
    sizes = [r[1] for r in rows]
    unpaged = [r for r in rows if not r[2]]
    largest = max(unpaged, key=lambda r: r[1])
    call = statistics.median(r[3] for r in rows)
    process = statistics.median(r[4] for r in rows)
    print(f"{len(rows)} calls through the MCP client ({ics[-1]} mcp), each paired with a fresh `ics ... -f json`")
    print(f"answer size: median {statistics.median(sizes) / 1000:.1f} kB (target < 8 kB), "
          f"largest unpaged {largest[1] / 1000:.1f} kB ({largest[0]}; target < 8 kB), "
          f"largest paged {max(r[1] for r in rows if r[2]) / 1000:.1f} kB")
    print(f"time: median call {call * 1000:.1f} ms, median fresh process {process * 1000:.1f} ms, "
          f"ratio {call / process:.3f}x (target <= 0.3x)")
    print(f"the same {len(full)} questions with detail=\"full\": median {statistics.median(full.values()) / 1000:.1f} kB, "
          f"mean {statistics.mean(full.values()) / 1000:.1f} kB, largest {max(full.values()) / 1000:.1f} kB")
    by_tool = {}
    for tool, size, _paged, took, _process in rows:
        by_tool.setdefault(tool, []).append((size, took))
    for tool, seen in sorted(by_tool.items()):
        print(f"  {tool:9} median {statistics.median(s for s, _ in seen) / 1000:6.1f} kB  "
              f"largest {max(s for s, _ in seen) / 1000:6.1f} kB  "
              f"{statistics.median(t for _, t in seen) * 1000:7.1f} ms  ({len(seen)} calls)")


if __name__ == "__main__":
    main()
