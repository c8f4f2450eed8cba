// set by the front-end work
