import { PageQuery } from '../../common/pagination';

export class ListCoursesQuery extends PageQuery {}
