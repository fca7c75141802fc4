"""One module per page, each with a ``render()`` function; registered in ``simulator.ui.navigation.PAGES``."""
