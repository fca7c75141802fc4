"""Widgets shared by more than one page (feedback, the stage ladder, the trust meter, the
mentor pages' cohort chooser ...): pages never import each other, so what two pages show
alike lives here."""
