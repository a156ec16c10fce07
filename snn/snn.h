// snn/snn.h — everything a C++ user of snn needs: #include <snn/snn.h>.
#pragma once

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/models.h"
#include "snn/monitor.h"
#include "snn/network.h"
#include "snn/population.h"
#include "snn/projection.h"
