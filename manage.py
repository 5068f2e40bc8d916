#!/usr/bin/env python
from senco.cli import main

if __name__ == "__main__":
    main()
