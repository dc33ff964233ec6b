#include "envoi.h"
int main(void) { return 0; }
