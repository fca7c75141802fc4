"""The Streamlit app: pages and components that stay thin and call ``simulator.service``.

The only package under ``simulator`` that imports streamlit. Entry point:
``streamlit_app.py`` -> ``simulator.ui.navigation.main``. Strings: ``simulator.ui.i18n``.
"""
