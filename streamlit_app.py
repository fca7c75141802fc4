"""Kohtaamo's entry point: ``streamlit run streamlit_app.py`` (see README.md).

``streamlit run`` finds the ``st.App`` below and serves it with uvicorn: the module is
imported once under its own name to build the server (with the login/logout routes that
set the HttpOnly session cookie), and Streamlit then runs this same file as ``__main__``
for every browser session, which only builds the navigation for the user's role.
"""

import os

import streamlit as st

if __name__ == "__main__":
    from simulator.ui.navigation import main

    main()
else:
    from simulator.runtime import prepare_process
    from simulator.ui.routes import middleware, routes
    from simulator.ui.session import TESTING_ENV

    if os.environ.get(TESTING_ENV):
        # The AppTest identity seam must never be reachable from a real browser.
        raise SystemExit(f"{TESTING_ENV} is set: it is for AppTest runs only; unset it to serve the app")
    prepare_process()  # content and detectors loaded before the first trainee, out of GC's way
    app = st.App(__file__, routes=routes(), middleware=middleware())
