"""Every diagnostic code vidlint can emit, one module per code range.

``registry`` declares rules and emits findings (the only place a code and its default
severity live); ``file`` VL0xx, ``schema`` VL1xx, ``request`` VL2xx, ``prompt`` VL3xx,
``callback`` VL4xx, ``assets`` VL5xx, ``media`` VL6xx, ``cost`` VL7xx, ``online`` VL8xx,
``meta`` VL9xx; ``wan27`` holds what the wan2.7 family needs beyond its model data.
"""
