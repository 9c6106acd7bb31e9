from modellint.cli import main

raise SystemExit(main())
