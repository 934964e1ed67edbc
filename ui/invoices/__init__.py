"""The invoice screens: list, editor (lines), detail with its action dialogs and share
panel."""
