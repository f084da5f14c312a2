#pragma once
/// @file
/// The optimizers in one include: SGD, Adam, StepLR.

#include <gradflow/optim/adam.hpp>
#include <gradflow/optim/optimizer.hpp>
#include <gradflow/optim/sgd.hpp>
#include <gradflow/optim/step_lr.hpp>
