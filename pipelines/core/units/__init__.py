"""Who is responsible: units cells read into (unit, position, role, type, alias), and the leaders in charge."""
