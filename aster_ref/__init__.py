"""Reference implementation of Aster's PTC bridge, SDK and runtime."""
