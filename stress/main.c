#include <stdio.h>
int main(void) { puts("comstress " COMSTRESS_VERSION); return 0; }
