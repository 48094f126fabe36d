"""python -m fake_wechat [--host 127.0.0.1] [--port 8100] [--quiet] [--devtools-openid OPENID]"""

import argparse

from fake_wechat import serve


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fake_wechat", description="Fake WeChat API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.add_argument("--devtools-openid", help="development only: codes this fake never minted (WeChat DevTools) log in as this openid")
    args = parser.parse_args(argv)
    serve(args.host, args.port, quiet=args.quiet, devtools_openid=args.devtools_openid)


if __name__ == "__main__":
    main()
