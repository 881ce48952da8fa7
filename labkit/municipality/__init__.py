"""The municipality (市区町村): the resident registry and the counter (窓口) that issues cards,
takes loss reports, lifts suspensions, records changes of address or name and resets PINs."""

from .counter import Municipality
from .registry import CardState, Resident, ResidentRegistry, new_my_number

__all__ = ["CardState", "Municipality", "Resident", "ResidentRegistry", "new_my_number"]
