from routineplayer.cli import main

raise SystemExit(main())
